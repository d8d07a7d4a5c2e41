# IMRNet R18 trained from scratch on HMDB51 split 1 (300 epochs, 30 warm-up).
_base_ = [
    '../_base_/models/imr_r18.py', '../_base_/datasets/hmdb51_compressed.py',
    '../_base_/schedules/sgd_cosine_500e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=51))
max_epochs = 300
train_cfg = dict(max_epochs=max_epochs)
# The schedule's warm-up, then the cosine over the shorter run.
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - _base_.warmup_epochs,
         end=max_epochs)
]
