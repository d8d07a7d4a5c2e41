# The paper's schedule (§3): its optimiser (./sgd.py: SGD momentum 0.9,
# weight decay 1e-4), linear warm-up then half-period cosine; batch 100
# (4 GPUs x 25). The paper does not give the learning rate: 0.1 at batch 100
# is our choice (the usual one for 3D ResNets trained from scratch at this
# batch size); `--auto-scale-lr` rescales it for other batch sizes.
_base_ = ['./sgd.py']
max_epochs = 500
warmup_epochs = 30
train_cfg = dict(max_epochs=max_epochs)

param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=0, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
optim_wrapper = dict(optimizer=dict(lr=0.1))
auto_scale_lr = dict(base_batch_size=100)
