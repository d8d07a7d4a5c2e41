# IMRNet with 3D ResNet-50 pathways (paper Table 4; docs/design.md#network).
# Backbone output channels (I, M, R) = (2048, 128, 128).
_base_ = ['./imr_r18.py']
model = dict(
    backbone=dict(depth=50),
    cls_head=dict(in_channels=(2048, 128, 128)))
