# Toy scale: a narrow IMRNet R18 on the synthetic data set (8 classes that
# differ only in motion; tools/data/make_synthetic.py), trained on a 2-core
# CPU in minutes. Same clip structure as the paper (5 GOPs: 5 I + 25 P
# frames), small frames: the 128x96 videos are resized to short side 64 and
# cropped to 56x56.
# Data: _base_/datasets/synthetic_compressed.py (the synthetic files, its
# flip label map, smaller batches and frames); this file sets the model and
# the schedule. For your own videos start from a data set config of your own
# (docs/transforms.md), not from this one's data.
_base_ = [
    '../_base_/models/imr_r18.py',
    '../_base_/datasets/synthetic_compressed.py',
    '../_base_/schedules/sgd.py', '../_base_/default_runtime.py'
]

# base 16 / ratio 4: I pathway 16..128 channels, M/R pathways 4..32.
model = dict(
    backbone=dict(base_channels=16, channel_ratio=4),
    cls_head=dict(num_classes=8, in_channels=(128, 32, 32), dropout_ratio=0.3))

max_epochs = 40
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0,
         by_epoch=True, begin=1, end=max_epochs, convert_to_iter_based=True)
]
optim_wrapper = dict(optimizer=dict(lr=0.05))
default_hooks = dict(logger=dict(interval=4))
auto_scale_lr = dict(base_batch_size=16)
