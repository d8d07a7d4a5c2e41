# Linear probe at toy scale (docs/evaluation.md): the backbone of a toy
# pretraining run, frozen, and one linear layer on its pooled embedding
# (128 + 32 + 32), trained on the synthetic train set. The backbone is the
# weights-only file of tools/convert_pretrained.py (tools/quickstart.sh
# writes it here); it is loaded into the backbone only.
# Every stage of every pathway is frozen (stem + res2..res5 and the fusions
# between them: requires_grad=False, eval mode), and norm_eval keeps every
# BN layer in eval mode, so the backbone and its BN statistics do not
# change. The same config drives retrieval:
#   python tools/retrieval.py THIS_CONFIG BACKBONE_OR_CHECKPOINT
_base_ = [
    '../toy/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py',
    '../_base_/retrieval/synthetic_compressed.py'
]
pretrained = 'work_dirs/quickstart/backbone.pth'
model = dict(
    backbone=dict(
        frozen_stages=4,
        norm_eval=True,
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    # a linear layer: no dropout
    cls_head=dict(dropout_ratio=0.))

# Only the head learns (1.5 k parameters): a short schedule. AdamW, because
# its steps do not grow with the size of the features, which differs between
# pretraining methods (a scratch-initialised toy backbone gives embeddings of
# norm ~40: SGD at lr 0.1 diverged on them in a smoke run). lr 1e-3, no
# weight decay: our choice at toy scale, not tuned.
max_epochs = 20
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=1e-3, weight_decay=0.))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs, convert_to_iter_based=True)
]
