# Pipelines and metric for evaluating dense-clip encoders (MVCGC's RGB and
# MV encoders: linear probe, fine-tuning, two-stream testing, retrieval;
# docs/mvcgc.md "Evaluation"), at ./dense_video.py's geometry (32 frames,
# short side 128, 128x128). Training: one view per sample, random
# multi-scale crop and flip (the same for RGB and MV, u negated on a flip),
# no colour jitter. Testing: 10 evenly spaced views per video, their
# probabilities averaged (CoCLR's test). Retrieval (dense_*_pipeline, for
# the `retrieval` dict of ../retrieval/compressed_video.py): the gallery's
# centre view; the queries' 10 views, features averaged. Both streams are
# packed, so one data config serves the RGB, the MV and the two-stream
# model (an MV-only model still pays the RGB conversion of the frames).
# Inherited beside a dense data set config (./ucf101_dense.py), whose
# loaders the data set's *_dense_cls.py file points at these pipelines.
cls_streams = ('imgs', 'motion_vectors')
__decode = dict(type='DenseClipDecode', streams=cls_streams,
                target_short_side=128, on_error='raise')
__pack = [
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=cls_streams)
]
cls_train_pipeline = [
    dict(type='DenseClipInit'),
    dict(type='SampleViews', clip_len=32, num_views=1),
    dict(__decode, on_error='skip'),
    dict(type='CompressedMultiScaleCrop', input_size=128,
         scales=(1, .875, .75, .66), random_crop=True, max_wh_scale_gap=1),
    dict(type='CompressedResize', scale=(128, 128), keep_ratio=False),
    dict(type='CompressedFlip', flip_ratio=0.5), *__pack
]
cls_test_pipeline = [
    dict(type='DenseClipInit', on_error='raise'),
    dict(type='SampleViews', clip_len=32, num_views=10, test_mode=True),
    __decode,
    dict(type='CompressedCenterCrop', crop_size=128), *__pack
]
dense_query_pipeline = cls_test_pipeline
dense_gallery_pipeline = [
    cls_test_pipeline[0],
    dict(cls_test_pipeline[1], num_views=1), *cls_test_pipeline[2:]
]
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
