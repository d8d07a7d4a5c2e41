# Toy baseline pretext: arrow of time (binary: forward / backward) on the
# IMR network (paper Table 3). Same data (unlabelled + train clips, labels
# unused), network, optimiser and 30 epochs as imr-pmsp-ctp_r18-tiny_*:
# only the pretext differs. A backward clip has its GOPs and P-frames in
# reverse order and its motion vectors negated (docs/selfsup.md, "Baseline
# pretexts"). Validation: aot/acc (chance 0.5); the test set shows every val
# clip 8 times, each pass with new draws. Then convert and fine-tune like
# PMSP+CTP:
#   python tools/convert_pretrained.py work_dirs/<run>/epoch_30.pth \
#       backbone.pth --trust-checkpoint
_base_ = ['./imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

model = dict(
    _delete_=True,
    type='IMRAOTSelfSup',
    backbone={{_base_.model.backbone}},
    head=dict(
        type='PretextClsHead',
        in_channels={{_base_.out_channels}},
        hidden_channels=64),
    data_preprocessor={{_base_.data_preprocessor}})
default_hooks = dict(checkpoint=dict(save_best='aot/acc', rule='greater'))
