# ./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_hmdb51-split1-rgb-mv.py for the MV encoder alone.
_base_ = ['./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_hmdb51-split1-rgb-mv.py']
model = dict(backbone=dict(streams=('mv', )), cls_head=dict(streams=('mv', )))
retrieval = dict(evaluator=dict(combined=None))
