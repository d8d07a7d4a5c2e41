# Self-supervised IMRNet R18 pretraining on Kinetics-400 with PMSP + CTP
# (paper §3: 20 epochs incl. 5 warm-up, SGD momentum 0.9, wd 1e-4, cosine,
# batch 100 = 4 GPUs x 25). Labels are not used. Then:
#   python tools/convert_pretrained.py work_dirs/<this>/epoch_20.pth \
#       imr_r18_k400-pmsp-ctp_backbone.pth --trust-checkpoint
# and fine-tune with configs/selfsup/imr_r18-pmsp-ctp-k400-ft_*.py.
_base_ = [
    '../_base_/models/imr_selfsup_r18.py',
    '../_base_/datasets/kinetics400_compressed.py',
    '../_base_/schedules/sgd_cosine_500e.py', '../_base_/default_runtime.py'
]
max_epochs = 20
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
# The schedule's warm-up and cosine, over 5 and max_epochs - 5 epochs.
param_scheduler = [
    dict(_base_.param_scheduler[0], end=5),
    dict(_base_.param_scheduler[1], T_max=max_epochs - 5, begin=5,
         end=max_epochs)
]
# Pretext accuracy on held-out clips (chance: 1/s^2 per PMSP level, 1/4 CTP).
# Validation uses the centre-crop pipeline and a 1-in-20 subset of K400 val
# is plenty; mmengine's `indices` keeps the first N samples.
val_dataloader = dict(dataset=dict(indices=1000))
val_evaluator = dict(type='PretextAccuracy')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
