# The synthetic data set as labelled dense clips, at the toy geometry of
# ./synthetic_dense.py (16 frames, short side 64, 64x64 crops): the
# evaluation pipelines of ./dense_video_cls.py, 4 test views (over the 72
# frames of a clip). Flipping swaps the labels of the mirrored motions, as
# in ./synthetic_compressed.py (the same map; the data set rejects it for a
# file list whose labels it does not name).
_base_ = ['./synthetic_dense.py', './dense_video_cls.py']

flip_label_map = {1: 2, 2: 1, 4: 5, 5: 4}
__train = _base_.cls_train_pipeline
cls_train_pipeline = [
    __train[0],
    dict(__train[1], clip_len=16),
    dict(__train[2], target_short_side=64),
    dict(__train[3], input_size=64, scales=(1, .875, .75)),
    dict(__train[4], scale=(64, 64)),
    dict(__train[5], flip_label_map=flip_label_map), *__train[6:]
]
__test = _base_.cls_test_pipeline
cls_test_pipeline = [
    __test[0],
    dict(__test[1], clip_len=16, num_views=4),
    dict(__test[2], target_short_side=64),
    dict(__test[3], crop_size=64), *__test[4:]
]
dense_query_pipeline = cls_test_pipeline
dense_gallery_pipeline = [
    cls_test_pipeline[0],
    dict(cls_test_pipeline[1], num_views=1), *cls_test_pipeline[2:]
]
train_dataloader = dict(dataset=dict(pipeline=cls_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=cls_test_pipeline))
test_dataloader = val_dataloader
