# Linear probe of the toy MVCGC encoders (docs/mvcgc.md "Evaluation"), both
# at once: each encoder frozen (stem + res2..res5 requires_grad=False and
# eval mode; norm_eval keeps every BN in eval mode) with its own linear
# layer on its pooled 128 channels, trained on the labelled synthetic train
# set (the heads learn independently: their losses are summed). Testing
# averages the two heads' probabilities (two streams); one stream alone:
#   --cfg-options model.cls_head.weights.mv=0   (RGB; .rgb=0 for MV)
# or the -rgb / -mv configs. The encoders load from the toy stage-2 run's
# last checkpoint (its manifest trusts it); for stage-1 encoders set
# model.backbone.backbones.rgb.init_cfg.checkpoint (and .mv.) to those
# runs'. The same config drives retrieval (rgb/R@k, mv/R@k, two_stream/R@k):
#   python tools/retrieval.py THIS_CONFIG work_dirs/<this run>/epoch_20.pth
_base_ = [
    '../_base_/models/stream_r2plus1d_r18.py',
    '../_base_/datasets/synthetic_dense_cls.py',
    '../_base_/retrieval/synthetic_compressed.py',
    '../_base_/schedules/adamw_linear.py', '../_base_/default_runtime.py'
]
pretrained = 'work_dirs/mvcgc-stage2_r2plus1d-r18-tiny_1xb16-16x1x1-10e_toy_synthetic-rgb-mv/epoch_10.pth'
# the toy encoders (base 16: pooled 128 channels), frozen; linear heads
model = dict(
    backbone=dict(backbones={
        m: dict(base_channels=16, frozen_stages=4, norm_eval=True,
                init_cfg=dict(checkpoint=pretrained))
        for m in ('rgb', 'mv')
    }),
    cls_head=dict(heads={
        m: dict(num_classes=8, in_channels=128, dropout_ratio=0.)
        for m in ('rgb', 'mv')
    }))
# the linear schedule (../_base_/schedules/adamw_linear.py) over 20 epochs
max_epochs = 20
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
param_scheduler = [
    dict(_base_.param_scheduler[0], T_max=max_epochs, end=max_epochs)
]
auto_scale_lr = dict(base_batch_size=16)
default_hooks = dict(logger=dict(interval=4))
retrieval = dict(
    gallery_dataloader=dict(dataset=dict(
        pipeline=_base_.dense_gallery_pipeline)),
    query_dataloader=dict(dataset=dict(pipeline=_base_.dense_query_pipeline)),
    evaluator=dict(combined=dict(two_stream=('rgb', 'mv'))))
