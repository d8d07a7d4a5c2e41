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


train_pipeline = [
    dict(type='CompressedVideoInit'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1),
    dict(type='CompressedVideoDecode', kappa=5, streams=mv_only),
    dict(type='CompressedResize', scale=(-1, 256)),
    dict(type='CompressedMultiScaleCrop', input_size=224,
         scales=(1, .975, .9, .85), random_crop=True, max_wh_scale_gap=1),
    dict(type='CompressedResize', scale=(224, 224), keep_ratio=False),
    dict(type='CompressedFlip', flip_ratio=0.5),
    dict(type='FormatCompressedShape'),
    dict(type='mmcv.KeyMapper', mapping=dict(imgs='motion_vectors'),
         auto_remap=False, transforms=[dict(type='PackActionInputs')])
]
test_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(type='CompressedVideoDecode', kappa=5, streams=mv_only,
         on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 256)),
    dict(type='CompressedThreeCrop', crop_size=224),
    dict(type='FormatCompressedShape'),
    dict(type='mmcv.KeyMapper', mapping=dict(imgs='motion_vectors'),
         auto_remap=False, transforms=[dict(type='PackActionInputs')])
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
