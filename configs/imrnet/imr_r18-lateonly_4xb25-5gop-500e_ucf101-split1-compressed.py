# Ablation (paper Table 2, "No connection") and our CoViAR-like baseline:
# three pathways encoded separately, late fusion by concatenating the pooled
# features (as CoViAR does, but with the same 3D pathways as IMRNet).
_base_ = ['./imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py']
model = dict(backbone=dict(fusion=dict(connection='none')))
