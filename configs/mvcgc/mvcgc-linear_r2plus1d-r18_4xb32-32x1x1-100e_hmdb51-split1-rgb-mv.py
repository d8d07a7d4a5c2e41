# ./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py on HMDB51 split 1:
# the same views and protocol on HMDB51's files
# (../_base_/datasets/hmdb51_files.py), 51 classes.
_base_ = [
    './mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py',
    '../_base_/datasets/hmdb51_files.py'
]
model = dict(cls_head=dict(heads={
    m: dict(num_classes=_base_.hmdb51_num_classes) for m in ('rgb', 'mv')}))
train_dataloader = dict(dataset=_base_.hmdb51_train)
val_dataloader = dict(dataset=_base_.hmdb51_val)
test_dataloader = val_dataloader
retrieval = _base_.hmdb51_retrieval
