# IMRNet R50 trained from scratch on UCF101 split 1.
_base_ = ['./imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py']
model = dict(
    backbone=dict(depth=50), cls_head=dict(in_channels=(2048, 128, 128)))
