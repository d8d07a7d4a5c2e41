# Linear probe of MVCGC's encoders on UCF101 split 1 (docs/mvcgc.md
# "Evaluation"), both at once: each encoder frozen (stem + res2..res5
# requires_grad=False and eval mode; norm_eval keeps every BN in eval mode)
# with its own linear layer on its pooled 512 channels; testing averages
# the two heads' probabilities over 10 views (two streams); one stream:
# --cfg-options model.cls_head.weights.mv=0 (RGB; .rgb=0 for MV) or the
# -rgb / -mv configs. The encoders load from the UCF101 stage-2 run's last
# checkpoint; for the K400 run (or stage-1 runs) set
# model.backbone.backbones.{rgb,mv}.init_cfg.checkpoint. Retrieval on
# UCF101 split 1 (rgb/R@k, mv/R@k, two_stream/R@k):
#   python tools/retrieval.py THIS_CONFIG work_dirs/<this run>/epoch_100.pth
_base_ = [
    '../_base_/models/stream_r2plus1d_r18.py',
    '../_base_/datasets/ucf101_dense_cls.py',
    '../_base_/retrieval/ucf101_compressed.py',
    '../_base_/schedules/adamw_linear.py', '../_base_/default_runtime.py'
]
pretrained = 'work_dirs/mvcgc-stage2_r2plus1d-r18_4xb32-32x1x1-200e_ucf101-split1-rgb-mv/epoch_200.pth'
model = dict(
    backbone=dict(backbones={
        m: dict(frozen_stages=4, norm_eval=True,
                init_cfg=dict(checkpoint=pretrained))
        for m in ('rgb', 'mv')
    }),
    cls_head=dict(heads={
        m: dict(num_classes=_base_.num_classes, dropout_ratio=0.)
        for m in ('rgb', 'mv')
    }))
# the linear schedule: ../_base_/schedules/adamw_linear.py (100 epochs)
auto_scale_lr = dict(base_batch_size=128)
retrieval = dict(
    gallery_dataloader=dict(dataset=dict(
        pipeline=_base_.dense_gallery_pipeline)),
    query_dataloader=dict(dataset=dict(pipeline=_base_.dense_query_pipeline)),
    evaluator=dict(combined=dict(two_stream=('rgb', 'mv'))))
