# Fine-tuning MVCGC's encoders on UCF101 split 1 (docs/mvcgc.md
# "Evaluation"), both at once: every layer learns, each encoder with its own
# head (their losses are summed, so each learns as if trained alone);
# testing averages the two heads' probabilities over 10 views; one stream:
# --cfg-options model.cls_head.weights.mv=0 (or .rgb=0), or the -rgb / -mv
# configs. Loading: as ./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py.
# SGD lr 0.1 (batch 128), 5 warm-up epochs, cosine, 100 epochs: ours, not
# tuned (the paper does not give its fine-tuning schedule).
_base_ = ['./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py']
model = dict(
    backbone=dict(backbones={
        m: dict(frozen_stages=-1, norm_eval=False)
        for m in ('rgb', 'mv')
    }),
    cls_head=dict(heads={m: dict(dropout_ratio=0.5) for m in ('rgb', 'mv')}))
optim_wrapper = dict(optimizer=dict(
    _delete_=True, type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=95, eta_min=0, by_epoch=True,
         begin=5, end=100, convert_to_iter_based=True)
]
