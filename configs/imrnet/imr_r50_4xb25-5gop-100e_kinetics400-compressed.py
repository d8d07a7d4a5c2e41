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
# The schedule's warm-up and cosine, over 10 and max_epochs - 10 epochs.
param_scheduler = [
    dict(_base_.param_scheduler[0], end=10),
    dict(_base_.param_scheduler[1], T_max=max_epochs - 10, begin=10,
         end=max_epochs)
]
