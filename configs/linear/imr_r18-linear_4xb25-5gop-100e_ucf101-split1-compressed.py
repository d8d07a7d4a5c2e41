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
    '../_base_/models/imr_r18.py', '../_base_/datasets/ucf101_compressed.py',
    '../_base_/retrieval/ucf101_compressed.py',
    '../_base_/schedules/adamw_linear.py', '../_base_/default_runtime.py'
]
pretrained = 'work_dirs/imr_r18_k400-pmsp-ctp_backbone.pth'
model = dict(
    backbone=dict(
        frozen_stages=4,
        norm_eval=True,
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    # a linear layer: no dropout
    cls_head=dict(num_classes=101, dropout_ratio=0.))
auto_scale_lr = dict(base_batch_size=100)
# The papers give no linear-probe schedule for IMRNet. Ours is
# ../_base_/schedules/adamw_linear.py: 100 epochs, AdamW lr 1e-3 without
# weight decay, half-period cosine without warm-up (only the head learns).
