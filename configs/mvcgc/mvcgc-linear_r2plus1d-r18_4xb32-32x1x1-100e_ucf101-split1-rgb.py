# ./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py for the RGB encoder alone.
_base_ = ['./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py']
model = dict(backbone=dict(streams=('rgb', )), cls_head=dict(streams=('rgb', )))
retrieval = dict(evaluator=dict(combined=None))
