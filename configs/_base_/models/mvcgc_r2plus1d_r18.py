# MVCGC (docs/mvcgc.md): an RGB and a motion-vector encoder, each
# mmaction2's R(2+1)D-18 (./r2plus1d_r18.py; pooled 512 channels), a
# 2-layer MLP projection to 128-d (dropped downstream), MoCo
# momentum encoders (0.999), a queue per modality with the video ids,
# index-aligned, and temperature 0.07. The backbone is a config value: any
# registered mmaction2 backbone with its pooled width as `in_channels`.
# Stage 1 (one modality):   model = dict(stage=1, modality='rgb' | 'mv')
# Stage 2 (cross guidance): model = dict(stage=2, modality=None,
#                                        guide='intersection')
# CoCLR's alternating variant: guide='rgb' (train MV) / 'mv' (train RGB).
# Normalisation: ./rgb_mv_preprocessor.py (as IMRNet's imgs and
# motion_vectors).
_base_ = ['./r2plus1d_r18.py', './rgb_mv_preprocessor.py']

model = dict(
    type='MVCGC',
    rgb_encoder=dict(
        backbone=dict(_base_.r2plus1d_r18, in_channels=3), in_channels=512),
    mv_encoder=dict(
        backbone=dict(_base_.r2plus1d_r18, in_channels=2), in_channels=512),
    stage=1,
    modality='rgb',
    guide='intersection',
    topk=5,
    queue_size=2048,
    embed_dim=128,
    momentum=0.999,
    temperature=0.07)
