# Recognizers on dense clips with one R(2+1)D-18 per stream
# (./r2plus1d_r18.py), for evaluating dense-clip encoders: MVCGC's RGB and
# MV encoders (docs/mvcgc.md "Evaluation"). mmaction2's MMRecognizer3D
# around StreamBackbones (a backbone per stream, weights backbone.<stream>.*)
# and LateFusionHead (an I3DHead per stream, weights
# cls_head.heads.<stream>.*; testing averages the streams' probabilities).
# Each encoder loads from an MVCGC checkpoint through its init_cfg; the
# config sets the checkpoint and the heads' num_classes. One stream alone:
# streams=('rgb', ) on the backbone and the head.
# Normalisation: ./rgb_mv_preprocessor.py.
_base_ = ['./r2plus1d_r18.py', './rgb_mv_preprocessor.py']

__head = dict(
    type='I3DHead',
    in_channels=512,
    num_classes=None,
    spatial_type='avg',
    dropout_ratio=0.5,
    init_std=0.01,
    average_clips='prob')
model = dict(
    type='MMRecognizer3D',
    backbone=dict(
        type='StreamBackbones',
        backbones={
            m: dict(_base_.r2plus1d_r18, in_channels=c,
                    init_cfg=dict(type='Pretrained', checkpoint=None,
                                  prefix=f'encoders.{m}.backbone.'))
            for m, c in (('rgb', 3), ('mv', 2))
        },
        inputs=dict(rgb='imgs', mv='motion_vectors')),
    cls_head=dict(type='LateFusionHead', heads=dict(rgb=__head, mv=__head),
                  weights=dict(rgb=1., mv=1.)))
