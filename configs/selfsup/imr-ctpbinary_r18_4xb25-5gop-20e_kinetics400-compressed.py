# Ablation: CTP(Binary), aligned vs random only, with PMSP.
_base_ = ['./imr-pmsp-ctp_r18_4xb25-5gop-20e_kinetics400-compressed.py']
model = dict(
    ctp_types=('aligned', 'random'), ctp_head=dict(num_classes=2))
