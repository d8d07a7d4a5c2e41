# UCF101 split 1 as labelled dense clips, for evaluating dense-clip
# encoders: the files of ./ucf101_dense.py, the labelled views of
# ./dense_video.py (cls_*_pipeline), top-1 / top-5.
_base_ = ['./ucf101_dense.py']

train_dataloader = dict(dataset=dict(pipeline=_base_.cls_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.cls_test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
