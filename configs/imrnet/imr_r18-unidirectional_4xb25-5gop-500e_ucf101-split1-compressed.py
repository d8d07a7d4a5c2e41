# Ablation (paper Table 2, "Unidirection"): P -> I laterals only.
_base_ = ['./imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py']
model = dict(backbone=dict(fusion=dict(connection='unidirectional')))
