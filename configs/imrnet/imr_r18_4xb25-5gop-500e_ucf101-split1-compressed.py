# IMRNet R18 trained from scratch on UCF101 split 1 (paper Table 1,
# "Ours, scratch": 74.1 on UCF101 in the paper's self-supervised table).
# 4 GPUs x 25 clips; 5 GOPs = 5 I + 25 P frames; 3-crop test.
_base_ = [
    '../_base_/models/imr_r18.py', '../_base_/datasets/ucf101_compressed.py',
    '../_base_/schedules/sgd_cosine_500e.py', '../_base_/default_runtime.py'
]
model = dict(cls_head=dict(num_classes=101))
