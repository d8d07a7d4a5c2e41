# Ablation: PMSP only (no CTP head, no CTP transform).
_base_ = ['./imr-pmsp-ctp_r18_4xb25-5gop-20e_kinetics400-compressed.py']
model = dict(ctp_head=None)
