# IMRNet R18 trained from scratch on HMDB51 split 1 (300 epochs, 30 warm-up).
_base_ = [
    '../_base_/models/imr_r18.py', '../_base_/datasets/hmdb51_compressed.py',
    '../_base_/schedules/sgd_cosine_500e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=51))
max_epochs = 300
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=30,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 30, eta_min=0,
         by_epoch=True, begin=30, end=max_epochs, convert_to_iter_based=True)
]
