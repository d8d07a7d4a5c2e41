# Fine-tuning the toy MVCGC encoders on the labelled synthetic train set
# (docs/mvcgc.md "Evaluation"), both at once: every layer learns, each
# encoder with its own head (their losses are summed, so each learns as if
# trained alone); testing averages the two heads' probabilities
# (two-stream), --cfg-options model.cls_head.weights.mv=0 (or .rgb=0) or the
# -rgb / -mv configs test one. The encoders load from the stage-2 run's last
# checkpoint, like ./mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py. SGD lr 0.05 (batch 16), one warm-up
# epoch, cosine, 40 epochs: the toy IMR recognizer's schedule, not tuned.
_base_ = ['./mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py']
model = dict(
    backbone=dict(backbones={
        m: dict(frozen_stages=-1, norm_eval=False)
        for m in ('rgb', 'mv')
    }),
    cls_head=dict(heads={m: dict(dropout_ratio=0.5) for m in ('rgb', 'mv')}))
max_epochs = 40
train_cfg = dict(max_epochs=max_epochs)
optim_wrapper = dict(optimizer=dict(
    _delete_=True, type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0,
         by_epoch=True, begin=1, end=max_epochs, convert_to_iter_based=True)
]
