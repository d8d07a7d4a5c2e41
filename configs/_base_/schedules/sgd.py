# The paper's optimiser (§3) and epoch loops, without a length: SGD momentum
# 0.9, weight decay 1e-4, gradients clipped at norm 40; training validated
# every 5 epochs from the first. The file that includes it sets max_epochs
# (and train_cfg's), the learning rate, its base batch and the warm-up +
# cosine param_scheduler: ./sgd_cosine_500e.py the paper's, the toy and the
# custom configs their own.
train_cfg = dict(type='EpochBasedTrainLoop', val_begin=1, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=40, norm_type=2))
auto_scale_lr = dict(enable=False)
