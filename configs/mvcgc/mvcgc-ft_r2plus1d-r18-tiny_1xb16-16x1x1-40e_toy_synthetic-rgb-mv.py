# Fine-tuning the toy MVCGC encoders on the labelled synthetic train set
# (docs/mvcgc.md "Evaluation"), both at once: every layer learns, each
# encoder with its own head (their losses are summed, so each learns as if
# trained alone); testing averages the two heads' probabilities (two
# streams), --cfg-options model.cls_head.weights.mv=0 (or .rgb=0) or the
# -rgb / -mv configs test one. The encoders load from the stage-2 run's last
# checkpoint, like ./mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py. ../_base_/schedules/stream_finetune.py
# at toy scale: SGD lr 0.05 (batch 16), one warm-up epoch, cosine, 40
# epochs (the toy IMR recognizer's schedule, not tuned).
_base_ = [
    './mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py',
    '../_base_/schedules/stream_finetune.py'
]
model = _base_.finetune_model
optim_wrapper = dict(optimizer=dict(_base_.finetune_optimizer, lr=0.05))
max_epochs = 40
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(_base_.finetune_scheduler[0], end=1),
    dict(_base_.finetune_scheduler[1], T_max=max_epochs - 1, begin=1,
         end=max_epochs)
]
