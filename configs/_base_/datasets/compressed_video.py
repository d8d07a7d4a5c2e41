# The paper's compressed-video pipelines (DESIGN.md §2/§5): 5 consecutive
# GOPs, 5 I-frames + 25 P-frames (kappa=5), short side 256, random 224 crop
# with scale jitter [.975, .9, .85], horizontal flip; test: 3 equidistant
# 224 crops, softmax scores averaged by the head.
# Training skips (and counts, in the log) a video that cannot be decoded;
# validation and testing stop on it with the file name and the reason.
streams = ('imgs', 'motion_vectors', 'residuals')
train_pipeline = [
    dict(type='CompressedVideoInit'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1),
    dict(type='CompressedVideoDecode', kappa=5, streams=streams),
    dict(type='CompressedResize', scale=(-1, 256)),
    dict(
        type='CompressedMultiScaleCrop',
        input_size=224,
        scales=(1, .975, .9, .85),
        random_crop=True,
        max_wh_scale_gap=1),
    dict(type='CompressedResize', scale=(224, 224), keep_ratio=False),
    dict(type='CompressedFlip', flip_ratio=0.5),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
val_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(
        type='CompressedVideoDecode', kappa=5, streams=streams,
        on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 256)),
    dict(type='CompressedCenterCrop', crop_size=224),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
test_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(
        type='CompressedVideoDecode', kappa=5, streams=streams,
        on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 256)),
    dict(type='CompressedThreeCrop', crop_size=224),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]

# Dataloaders; a data set config only sets the files (ann_file, data_prefix).
dataset_type = 'VideoDataset'
train_dataloader = dict(
    batch_size=25,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file='',
        data_prefix=dict(video=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=25,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file='',
        data_prefix=dict(video=''),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file='',
        data_prefix=dict(video=''),
        pipeline=test_pipeline,
        test_mode=True))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
