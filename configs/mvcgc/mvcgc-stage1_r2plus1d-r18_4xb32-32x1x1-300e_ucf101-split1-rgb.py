# MVCGC stage 1, RGB: InfoNCE of the RGB encoder alone on UCF101 split 1
# (two dense clips of 32 frames at 128x128 per video are positives; queue
# 2048, Adam 1e-4, weight decay 1e-5, 300 epochs: the paper's UCF101
# protocol). The MV counterpart is the `-mv` config; stage 2 loads both
# (mvcgc-stage2_*_ucf101-split1-rgb-mv.py). docs/mvcgc.md.
_base_ = [
    '../_base_/models/mvcgc_r2plus1d_r18.py',
    '../_base_/datasets/ucf101_dense.py', '../_base_/schedules/adam_mvcgc.py',
    '../_base_/default_runtime.py'
]
model = dict(stage=1, modality='rgb', queue_size=2048)
train_cfg = dict(max_epochs=300)
# No validation or test loop (../_base_/schedules/adam_mvcgc.py), so no
# val / test loaders either: evaluate the converted encoders with the
# linear probe and retrieval (docs/evaluation.md).
val_dataloader = None
test_dataloader = None
default_hooks = dict(checkpoint=dict(interval=10, save_best=None))
