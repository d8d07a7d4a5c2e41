# The synthetic data set as labelled dense clips, at the toy geometry of
# ./synthetic_dense.py (16 frames, short side 64, 64x64 crops): the
# labelled views of ./dense_video.py (cls_*_pipeline), 4 test views (over
# the 72 frames of a clip), top-1 / top-5. Flipping swaps the labels of the mirrored motions, as
# in ./synthetic_compressed.py (the same map; the data set rejects it for a
# file list whose labels it does not name).
_base_ = ['./synthetic_dense.py']

flip_label_map = {1: 2, 2: 1, 4: 5, 5: 4}
# ./synthetic_dense.py's own views, one per training sample (without the
# colour jitter), 4 per test video
__train = _base_.train_pipeline
cls_train_pipeline = [
    __train[0],
    dict(__train[1], num_views=1), __train[2], *__train[3].transforms[:2],
    dict(__train[3].transforms[2], flip_label_map=flip_label_map),
    *__train[-2:]
]
__test = _base_.test_pipeline
cls_test_pipeline = [__test[0], dict(__test[1], num_views=4), *__test[2:]]
dense_query_pipeline = cls_test_pipeline
dense_gallery_pipeline = __test
train_dataloader = dict(dataset=dict(pipeline=cls_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=cls_test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
