# Toy MVCGC stage 1, RGB, on the synthetic data set (no labels used): two
# dense clips of 16 frames at 64x64 per video (_base_/datasets/
# synthetic_dense.py), R(2+1)D-18 at base 16 (pooled 128 channels), queue
# 128 (under the 192 training videos), 20 epochs. Toy-scale deviation from
# the paper's Adam 1e-4: 1e-3, as the other toy pretraining configs (not
# tuned). Then the `-mv` config, then
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
    queue_size=128)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_epochs=20)
auto_scale_lr = dict(base_batch_size=16)
val_dataloader = None
test_dataloader = None
default_hooks = dict(
    logger=dict(interval=4), checkpoint=dict(interval=5, save_best=None))
