# IMRNet with 3D ResNet-18 pathways (paper Table 4; docs/design.md#network).
# Input: 5 I-frames + 25 P-frames (kappa=5) per clip; backbone output
# channels (I, M, R) = (512, 32, 32) at base_channels=64, channel_ratio=16.
_base_ = ['./imr_preprocessor.py']

model = dict(
    type='MMRecognizer3D',
    backbone=dict(
        type='IMRResNet3d',
        depth=18,
        streams=('imgs', 'motion_vectors', 'residuals'),
        base_channels=64,
        channel_ratio=16,
        kappa=5,
        # the module after conv1, res2, res3, res4; the backbone gives it
        # in_channels and kappa
        fusion=dict(
            type='IMRLateralFusion',
            divisor=8,
            connection='bidirectional',  # | 'unidirectional' | 'none'
            lateral='conv',  # | 'resample'
            gate=True)),
    cls_head=dict(
        type='IMRClsHead',
        num_classes=101,
        in_channels=(512, 32, 32),
        dropout_ratio=0.5,
        average_clips='prob'),
    data_preprocessor=_base_.data_preprocessor)
