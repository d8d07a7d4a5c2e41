# Ablation (paper Table 2, "No conv"): plain temporal re-sampling instead of
# the time-strided (de)convolutions in the laterals.
_base_ = ['./imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py']
model = dict(backbone=dict(fusion=dict(lateral='resample')))
