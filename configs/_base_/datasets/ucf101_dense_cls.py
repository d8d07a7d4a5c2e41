# UCF101 split 1 as labelled dense clips: the files of ./ucf101_dense.py,
# the evaluation pipelines of ./dense_video_cls.py.
_base_ = ['./ucf101_dense.py', './dense_video_cls.py']

train_dataloader = dict(dataset=dict(pipeline=_base_.cls_train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.cls_test_pipeline))
test_dataloader = val_dataloader
