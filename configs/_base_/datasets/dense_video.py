# Dense clips for MVCGC-style contrastive learning (docs/design.md#mvcgc):
# per video, 2 views of 32 consecutive decoded frames, each with the RGB of
# every frame and its motion-vector field (zero at I-frames), 128x128.
# inputs = dict(imgs=[2, 3, 32, 128, 128], motion_vectors=[2, 2, 32, 128,
# 128]) per sample (view-major), data_samples[i].metainfo['video_id'] the
# video's index in the data set (docs/transforms.md, "Dense clips").
# Each view draws its own crop, flip and colour jitter (PerView); inside a
# view RGB and MV share the crop and flip (MV rescaled, u negated on a
# flip) and the colour jitter changes RGB only. The crop scales and the
# jitter strengths are CoCLR-style choices of ours, not the paper's.
# Training skips (and counts) a video that cannot be decoded; testing stops
# on it with the file name and the reason.
streams = ('imgs', 'motion_vectors')
# Pieces the pipelines share; names with two leading underscores stay out
# of the config (mmengine drops them).
__pack = [
    dict(type='FormatCompressedShape'),
    # mmaction2's meta keys, and the video file: the test pictures
    # (--show-dir) are named after it.
    dict(type='PackActionInputs', collect_keys=streams,
         meta_keys=('img_shape', 'img_key', 'video_id', 'timestamp',
                    'filename'))
]
train_pipeline = [
    dict(type='DenseClipInit'),
    dict(type='SampleViews', clip_len=32, num_views=2),
    # Decoded at the short side 128: cheaper than a resize afterwards.
    dict(type='DenseClipDecode', streams=streams, target_short_side=128),
    dict(
        type='PerView',
        transforms=[
            dict(type='CompressedMultiScaleCrop',
                 input_size=128,
                 scales=(1, .875, .75, .66),
                 random_crop=True,
                 max_wh_scale_gap=1),
            dict(type='CompressedResize', scale=(128, 128), keep_ratio=False),
            dict(type='CompressedFlip', flip_ratio=0.5),
            dict(
                type='RandomApply',
                transforms=[
                    dict(
                        type='ColorJitter',
                        brightness=0.4,
                        contrast=0.4,
                        saturation=0.4,
                        hue=0.1)  # MoCo v2's strengths
                ],
                prob=0.8)
        ]),
    *__pack
]
# One centre view (SampleViews(num_views=K, test_mode=True) for K evenly
# spaced views, features averaged downstream).
test_pipeline = [
    dict(type='DenseClipInit', on_error='raise'),
    dict(type='SampleViews', clip_len=32, num_views=1, test_mode=True),
    dict(type='DenseClipDecode',
         streams=streams,
         target_short_side=128,
         on_error='raise'),
    dict(type='CompressedCenterCrop', crop_size=128), *__pack
]
val_pipeline = test_pipeline
# Labelled views for evaluating the encoders (linear probe, fine-tuning,
# two-stream testing, retrieval; docs/mvcgc.md "Evaluation"; ./*_cls.py
# use them). Training: one view per sample, random multi-scale crop and
# flip (the same for RGB and MV), no colour jitter. Testing: 10 evenly
# spaced views per video, probabilities averaged (CoCLR's test).
# Retrieval: the gallery's centre view; the queries' 10 views, features
# averaged.
cls_train_pipeline = [
    train_pipeline[0],
    dict(type='SampleViews', clip_len=32, num_views=1),
    train_pipeline[2], *train_pipeline[3]['transforms'][:3], *__pack
]
cls_test_pipeline = [
    test_pipeline[0],
    dict(test_pipeline[1], num_views=10), *test_pipeline[2:]
]
dense_query_pipeline = cls_test_pipeline
dense_gallery_pipeline = test_pipeline

# Dataloaders; a data set config only sets the files (ann_file,
# data_prefix). Labels are not used by the contrastive stage; evaluators
# belong to the evaluation configs (linear probe, retrieval).
dataset_type = 'CompressedVideoDataset'
# What the loaders share; each adds its sample order, pipeline and mode.
__loader = dict(batch_size=32, num_workers=8, persistent_workers=True)
__dataset = dict(type=dataset_type, ann_file='', data_prefix=dict(video=''))
train_dataloader = dict(
    __loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(__dataset, pipeline=train_pipeline, max_skip_ratio=0.1))
val_dataloader = dict(
    __loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(__dataset, pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(
    val_dataloader, dataset=dict(__dataset, pipeline=test_pipeline,
                                 test_mode=True))

# A config that sets its own custom_hooks replaces this list: keep the hook.
custom_hooks = [dict(type='SkippedSamplesHook')]
