# The paper's compressed-video pipelines (docs/design.md): 5 consecutive
# GOPs, 5 I-frames + 25 P-frames (kappa=5), short side 256, random 224 crop
# with scale jitter [.975, .9, .85], horizontal flip; test: 3 equidistant
# 224 crops, softmax scores averaged by the head.
# Training skips (and counts, in the log) a video that cannot be decoded;
# validation and testing stop on it with the file name and the reason.
streams = ('imgs', 'motion_vectors', 'residuals')
# Pieces the three pipelines share. A name that starts with two underscores
# stays out of the config (mmengine drops it), so only the pipelines below are
# keys a derived config or --cfg-options sees.
__pack = [
    dict(type='FormatCompressedShape'),
    # mmaction2's meta keys, and the video file: the test pictures
    # (--show-dir) are named after it.
    dict(type='PackActionInputs', collect_keys=streams,
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'filename'))
]
# Validation and testing read every clip at the same place and stop on a
# video that cannot be decoded.
__test_decode = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(
        type='CompressedVideoDecode', kappa=5, streams=streams,
        on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 256))
]
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
    *__pack
]
val_pipeline = [
    *__test_decode,
    dict(type='CompressedCenterCrop', crop_size=224),
    *__pack
]
test_pipeline = [
    *__test_decode,
    dict(type='CompressedThreeCrop', crop_size=224),
    *__pack
]

# Dataloaders; a data set config only sets the files (ann_file, data_prefix)
# and num_classes (labels are checked against it).
dataset_type = 'CompressedVideoDataset'
# What the loaders share; each adds its sample order, pipeline and mode.
__loader = dict(batch_size=25, num_workers=8, persistent_workers=True)
__dataset = dict(type=dataset_type, ann_file='', data_prefix=dict(video=''))
train_dataloader = dict(
    __loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(__dataset, pipeline=train_pipeline, max_skip_ratio=0.1))
val_dataloader = dict(
    __loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(__dataset, pipeline=val_pipeline, test_mode=True))
# Testing: the validation loader with the three-crop pipeline, one video per
# batch.
test_dataloader = dict(
    val_dataloader,
    batch_size=1,
    dataset=dict(val_dataloader['dataset'], pipeline=test_pipeline))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# A config that sets its own custom_hooks replaces this list: keep the hook.
custom_hooks = [dict(type='SkippedSamplesHook')]
