# Ablation: CTP only (aligned / random / shuffle / shift).
_base_ = ['./imr-pmsp-ctp_r18_4xb25-5gop-20e_kinetics400-compressed.py']
model = dict(pmsp_head=None)
default_hooks = dict(checkpoint=dict(save_best='ctp/acc', rule='greater'))
