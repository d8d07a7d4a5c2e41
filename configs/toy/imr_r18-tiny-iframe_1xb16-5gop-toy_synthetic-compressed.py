# The I-frame-only variant of the toy model: the same I pathway, no motion
# vectors, no residuals. The synthetic classes differ only in motion, so the
# I-frames (5 per clip, 12 frames apart) carry little of the class: compare
# with the three-stream model to see what the compressed streams add.
_base_ = ['./imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

model = dict(
    backbone=dict(streams=('imgs', ), connection='none'),
    cls_head=dict(in_channels=(128, )))

# The same pipelines, decoding and packing the I-frames only.
streams = ('imgs', )
train_pipeline = [
    dict(type='CompressedVideoInit'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1),
    dict(type='CompressedVideoDecode', kappa=5, streams=streams),
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedMultiScaleCrop', input_size=56,
         scales=(1, .975, .9, .85), random_crop=True, max_wh_scale_gap=1),
    dict(type='CompressedResize', scale=(56, 56), keep_ratio=False),
    dict(type='CompressedFlip', flip_ratio=0.5,
         flip_label_map={{_base_.flip_label_map}}),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
val_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(type='CompressedVideoDecode', kappa=5, streams=streams,
         on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedCenterCrop', crop_size=56),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
test_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(type='CompressedVideoDecode', kappa=5, streams=streams,
         on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedThreeCrop', crop_size=56),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
