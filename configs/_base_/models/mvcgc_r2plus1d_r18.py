# MVCGC (docs/mvcgc.md): an RGB and a motion-vector encoder, each
# mmaction2's R(2+1)D-18 (`ResNet2Plus1d`, the settings of mmaction2's
# _base_/models/r2plus1d_r34.py at depth 18 with plain BN; pooled 512
# channels), a 2-layer MLP projection to 128-d (dropped downstream), MoCo
# momentum encoders (0.999), a queue per modality with the video ids,
# index-aligned, and temperature 0.07. The backbone is a config value: any
# registered mmaction2 backbone with its pooled width as `in_channels`.
# Stage 1 (one modality):   model = dict(stage=1, modality='rgb' | 'mv')
# Stage 2 (cross guidance): model = dict(stage=2, modality=None,
#                                        guide='intersection')
# CoCLR's alternating variant: guide='rgb' (train MV) / 'mv' (train RGB).
# Normalisation: ./rgb_mv_preprocessor.py (as IMRNet's imgs and
# motion_vectors).
_base_ = ['./rgb_mv_preprocessor.py']

__r2plus1d_r18 = dict(
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
model = dict(
    type='MVCGC',
    rgb_encoder=dict(
        backbone=dict(__r2plus1d_r18, in_channels=3), in_channels=512),
    mv_encoder=dict(
        backbone=dict(__r2plus1d_r18, in_channels=2), in_channels=512),
    stage=1,
    modality='rgb',
    guide='intersection',
    topk=5,
    queue_size=2048,
    embed_dim=128,
    momentum=0.999,
    temperature=0.07)
