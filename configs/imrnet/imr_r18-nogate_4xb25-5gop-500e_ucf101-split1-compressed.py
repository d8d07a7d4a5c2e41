# Ablation (paper Table 2, "No attention"): laterals without the
# multimodal gates.
_base_ = ['./imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py']
model = dict(backbone=dict(fusion=dict(gate=False)))
