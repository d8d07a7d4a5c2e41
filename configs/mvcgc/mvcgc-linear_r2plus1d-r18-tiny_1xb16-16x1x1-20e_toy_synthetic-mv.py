# The linear probe of ./mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py for the
# MV encoder alone (its head and its test; retrieval: R@k).
_base_ = ['./mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py']
model = dict(backbone=dict(streams=('mv', )), cls_head=dict(streams=('mv', )))
retrieval = dict(evaluator=dict(combined=None))
