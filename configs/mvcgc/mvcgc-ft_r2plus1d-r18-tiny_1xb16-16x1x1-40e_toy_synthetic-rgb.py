# The fine-tuning of ./mvcgc-ft_r2plus1d-r18-tiny_1xb16-16x1x1-40e_toy_synthetic-rgb-mv.py for the
# RGB encoder alone.
_base_ = ['./mvcgc-ft_r2plus1d-r18-tiny_1xb16-16x1x1-40e_toy_synthetic-rgb-mv.py']
model = dict(backbone=dict(streams=('rgb', )), cls_head=dict(streams=('rgb', )))
retrieval = dict(evaluator=dict(combined=None))
