# Registry reuse: mmaction2's STOCK Recognizer3D + ResNet3d + I3DHead,
# trained on our motion-vector stream alone. The only plugin code used is
# the data pipeline (decode + multi-stream geometry): mmcv's KeyMapper packs
# `motion_vectors` as the model's tensor input.
_base_ = [
    '../_base_/datasets/ucf101_compressed.py',
    '../_base_/schedules/sgd_cosine_500e.py', '../_base_/default_runtime.py'
]
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        in_channels=2,
        conv1_kernel=(5, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        inflate=(1, 1, 1, 1),
        with_pool2=False),
    cls_head=dict(
        type='I3DHead',
        num_classes=101,
        in_channels=512,
        spatial_type='avg',
        dropout_ratio=0.5,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[0., 0.],
        std=[2.72, 2.72],
        format_shape='NCTHW'))

mv_only = ('motion_vectors', )
# The paper's pipelines (../_base_/datasets/compressed_video.py) decoding the
# motion vectors only; mmcv's KeyMapper then packs them as the model's
# `inputs` in place of the last step (PackActionInputs of the three streams;
# a name with two leading underscores stays out of the config).
__pack_mv = dict(
    type='mmcv.KeyMapper', mapping=dict(imgs='motion_vectors'),
    auto_remap=False, transforms=[dict(type='PackActionInputs')])
train_pipeline = [
    *_base_.train_pipeline[:2],
    dict(_base_.train_pipeline[2], streams=mv_only),
    *_base_.train_pipeline[3:-1],
    __pack_mv
]
test_pipeline = [
    *_base_.test_pipeline[:2],
    dict(_base_.test_pipeline[2], streams=mv_only),
    *_base_.test_pipeline[3:-1],
    __pack_mv
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
