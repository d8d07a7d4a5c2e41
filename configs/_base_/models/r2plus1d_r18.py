# mmaction2's R(2+1)D-18 (`ResNet2Plus1d`) as the dense-clip encoders use it
# (MVCGC's RGB and MV encoders, and their evaluation): the settings of
# mmaction2's _base_/models/r2plus1d_r34.py at depth 18 with plain BN;
# pooled 512 channels at base 64. `in_channels` (3 RGB, 2 MV) is set where
# it is used.
r2plus1d_r18 = dict(
    type='ResNet2Plus1d',
    depth=18,
    pretrained=None,
    pretrained2d=False,
    norm_eval=False,
    conv_cfg=dict(type='Conv2plus1d'),
    norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
    conv1_kernel=(3, 7, 7),
    conv1_stride_t=1,
    pool1_stride_t=1,
    inflate=(1, 1, 1, 1),
    spatial_strides=(1, 2, 2, 2),
    temporal_strides=(1, 2, 2, 2),
    zero_init_residual=False)
