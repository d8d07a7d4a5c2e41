# Ablation: CTP (Binary) only, aligned vs random (the paper's simplified CTP,
# listed with the single-task ablations PMSP and CTP; no PMSP head).
_base_ = ['./imr-ctp_r18_4xb25-5gop-20e_kinetics400-compressed.py']
model = dict(
    ctp_types=('aligned', 'random'), ctp_head=dict(num_classes=2))
