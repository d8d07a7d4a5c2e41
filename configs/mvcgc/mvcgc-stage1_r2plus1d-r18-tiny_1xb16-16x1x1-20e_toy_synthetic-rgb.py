# Toy MVCGC stage 1, RGB, on the synthetic data set (no labels used): two
# dense clips of 16 frames at 64x64 per video (_base_/datasets/
# synthetic_dense.py), R(2+1)D-18 at base 16 (pooled 128 channels), queue
# 128 (under the 192 training videos), 20 epochs. Toy-scale deviation from
# the paper's Adam 1e-4: 1e-3, as the other toy pretraining configs (not
# tuned). Key-encoder momentum 0.99 instead of 0.999: a toy run has 12
# iterations per epoch, and at 0.999 the key encoder is still about 89 %
# its random initialisation after 120 of them; 10 epochs of seed 0 at 0.999
# left InfoNCE at chance (loss 4.7 -> 4.7 RGB, 3.7 -> 4.0 MV, accuracy
# ~0), at 0.99 the loss fell (4.4 -> 3.7 RGB, 3.9 -> 3.2 MV; logged,
# unweighted) and accuracy rose to 0.3-0.5 (docs/mvcgc.md). Then the `-mv`
# config, then
# mvcgc-stage2_r2plus1d-r18-tiny_*_toy_synthetic-rgb-mv.py.
_base_ = [
    '../_base_/models/mvcgc_r2plus1d_r18.py',
    '../_base_/datasets/synthetic_dense.py',
    '../_base_/schedules/adam_mvcgc.py', '../_base_/default_runtime.py'
]
model = dict(
    stage=1,
    modality='rgb',
    rgb_encoder=dict(backbone=dict(base_channels=16), in_channels=128),
    mv_encoder=dict(backbone=dict(base_channels=16), in_channels=128),
    queue_size=128,
    momentum=0.99)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_epochs=20)
auto_scale_lr = dict(base_batch_size=16)
val_dataloader = None
test_dataloader = None
default_hooks = dict(
    logger=dict(interval=4), checkpoint=dict(interval=5, save_best=None))
