# Baseline pretext of the paper's Table 3: arrow of time (binary) on IMRNet
# R18, pretrained on Kinetics-400 with the protocol of the PMSP+CTP config
# it inherits (20 epochs incl. 5 warm-up, SGD, cosine, batch 4 x 25; labels
# unused): only the pretext differs. Then:
#   python tools/convert_pretrained.py work_dirs/<this>/epoch_20.pth \
#       imr_r18_k400-aot_backbone.pth --trust-checkpoint
# and fine-tune with configs/selfsup/imr_r18-pmsp-ctp-k400-ft_*.py and
# --cfg-options load_from=imr_r18_k400-aot_backbone.pth.
_base_ = ['./imr-pmsp-ctp_r18_4xb25-5gop-20e_kinetics400-compressed.py']

model = dict(
    _delete_=True,
    type='IMRAOTSelfSup',
    backbone={{_base_.model.backbone}},
    head=dict(
        type='PretextClsHead', in_channels=(512, 32, 32),
        hidden_channels=512),
    data_preprocessor={{_base_.model.data_preprocessor}})
# Validation: aot/acc (chance 0.5).
default_hooks = dict(checkpoint=dict(save_best='aot/acc', rule='greater'))
