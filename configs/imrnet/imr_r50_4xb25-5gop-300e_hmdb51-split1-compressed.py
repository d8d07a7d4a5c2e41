# IMRNet R50 trained from scratch on HMDB51 split 1.
_base_ = ['./imr_r18_4xb25-5gop-300e_hmdb51-split1-compressed.py']
model = dict(
    backbone=dict(depth=50), cls_head=dict(in_channels=(2048, 128, 128)))
