# IMRNet R50 trained with labels on Kinetics-400 (the paper's supervised
# K400 pretraining, Table 1: 92.6 UCF101 / 67.8 HMDB51 after fine-tuning).
# The paper does not give this schedule: 100 epochs with 10 warm-up is ours.
_base_ = [
    '../_base_/models/imr_r50.py',
    '../_base_/datasets/kinetics400_compressed.py',
    '../_base_/schedules/sgd_cosine_500e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=400))
max_epochs = 100
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 10, eta_min=0,
         by_epoch=True, begin=10, end=max_epochs, convert_to_iter_based=True)
]
