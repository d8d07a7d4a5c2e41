# Linear probe on UCF101 split 1 (docs/evaluation.md): the backbone of the
# PMSP+CTP Kinetics-400 pretraining, frozen, and one linear layer on its
# pooled embedding (512 + 32 + 32). The backbone is the weights-only file of
# tools/convert_pretrained.py (the same file as the fine-tuning config
# configs/selfsup/imr_r18-pmsp-ctp-k400-ft_*_ucf101-*.py); it is loaded into
# the backbone only. Every stage of every pathway is frozen (stem +
# res2..res5 and the fusions between them: requires_grad=False, eval mode)
# and norm_eval keeps every BN layer in eval mode. The same config drives
# retrieval on UCF101 split 1:
#   python tools/retrieval.py THIS_CONFIG BACKBONE_OR_CHECKPOINT
_base_ = [
    '../imrnet/imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py',
    '../_base_/retrieval/ucf101_compressed.py'
]
pretrained = 'work_dirs/imr_r18_k400-pmsp-ctp_backbone.pth'
model = dict(
    backbone=dict(
        frozen_stages=4,
        norm_eval=True,
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    # a linear layer: no dropout
    cls_head=dict(dropout_ratio=0.))

# The papers give no linear-probe schedule for IMRNet. Ours: 100 epochs,
# AdamW lr 1e-3 without weight decay (its steps do not grow with the size of
# the features, which differs between pretraining methods), half-period
# cosine without warm-up (only the head learns).
max_epochs = 100
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=1e-3, weight_decay=0.))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs, convert_to_iter_based=True)
]
