# The linear-probe schedule of dense-clip encoders (docs/mvcgc.md
# "Evaluation"; the IMR linear probe of configs/linear/ uses the same): only
# the heads learn. AdamW lr 1e-3 without weight decay (its steps do not grow
# with the size of the features, which differs between pretraining
# methods), half-period cosine to 0 without warm-up, 100 epochs. Our
# choice, not tuned: the papers give no linear schedule for these encoders.
# A config of another length sets max_epochs, train_cfg and
# param_scheduler.
_base_ = ['./sgd.py']

max_epochs = 100
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=1e-3, weight_decay=0.))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs, convert_to_iter_based=True)
]
