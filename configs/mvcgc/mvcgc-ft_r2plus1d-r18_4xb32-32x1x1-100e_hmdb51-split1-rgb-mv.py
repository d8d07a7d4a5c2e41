# ./mvcgc-ft_r2plus1d-r18_4xb32-32x1x1-100e_ucf101-split1-rgb-mv.py on HMDB51 split 1: the
# fine-tuning of ../_base_/schedules/stream_finetune.py applied to the
# HMDB51 linear-probe config beside this file.
_base_ = [
    './mvcgc-linear_r2plus1d-r18_4xb32-32x1x1-100e_hmdb51-split1-rgb-mv.py',
    '../_base_/schedules/stream_finetune.py'
]
model = _base_.finetune_model
optim_wrapper = dict(optimizer=_base_.finetune_optimizer)
param_scheduler = _base_.finetune_scheduler
