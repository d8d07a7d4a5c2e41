# Fine-tuning MVCGC's encoders on UCF101 split 1 (docs/mvcgc.md
# "Evaluation"), both at once: every layer learns, each encoder with its own
# head (their losses are summed, so each learns as if trained alone);
# testing averages the two heads' probabilities over 10 views; one stream:
# --cfg-options model.cls_head.weights.mv=0 (or .rgb=0), or the -rgb / -mv
# configs. Loading: as ./mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py.
# The schedule of ../_base_/schedules/stream_finetune.py (SGD lr 0.1 at
# batch 128, 5 warm-up epochs, cosine, 100 epochs; ours, not tuned).
_base_ = [
    './mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py',
    '../_base_/schedules/stream_finetune.py'
]
model = _base_.finetune_model
optim_wrapper = dict(optimizer=_base_.finetune_optimizer)
param_scheduler = _base_.finetune_scheduler
