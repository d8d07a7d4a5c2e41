# Toy self-supervised pretraining: PMSP + CTP on the synthetic data set,
# without its labels (unlabelled.txt plus the train clips), the toy network
# of imr_r18-tiny_*. Validation reports pretext accuracy on the held-out
# val clips (chance: 1/s^2 per PMSP level, 1/4 for CTP). Then
#   python tools/convert_pretrained.py work_dirs/<run>/epoch_N.pth \
#       backbone.pth --trust-checkpoint
# and fine-tune with imr_r18-tiny-pmsp-ctp-ft_*.py (load_from=backbone.pth).
# The model is that of configs/_base_/models/imr_selfsup_r18.py, narrowed.
_base_ = ['./imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

out_channels = (128, 32, 32)
model = dict(
    _delete_=True,
    type='IMRSelfSup',
    backbone=dict(
        type='IMRResNet3d', depth=18, base_channels=16, channel_ratio=4,
        kappa=5),
    pmsp_head=dict(
        type='PMSPHead', in_channels=out_channels, hidden_channels=64),
    ctp_head=dict(
        type='CTPHead', in_channels=out_channels, hidden_channels=64),
    ctp_types=('aligned', 'random', 'shuffle', 'shift'),
    # the logged loss_ctp is ctp_loss_weight x the CTP cross-entropy
    ctp_loss_weight=1.0,
    # L_PMSP averaged over its 27 cross-entropies instead of the paper's sum
    # (labels of the fed motion vectors as in the paper). Measured with
    # tools/analysis/joint_sweep.sh (docs/selfsup.md, "Joint PMSP+CTP"):
    # with 'mean' the joint run learnt both tasks in 2 of 3 seeds (CTP 53.7
    # / 32.8 / 41.4 %, PMSP mean 58.3 / 58.5 / 52.1 % on the val clips);
    # with 'sum' CTP stayed at chance (24.6 / 26.0 / 27.7 %, 3 seeds); lambda
    # = 27 (the same balance) reached both in 1 of 3.
    pmsp_loss_reduction='mean',
    pmsp_label_source='fed',
    data_preprocessor={{_base_.data_preprocessor}})

# Pretext labels come from the clip itself: the toy pipeline, with a flip
# that maps no labels.
train_pipeline = [
    *_base_.train_pipeline[:6],
    dict(type='CompressedFlip', flip_ratio=0.5),
    *_base_.train_pipeline[-2:]
]
data_root = 'data/synthetic/videos'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(type='CompressedVideoDataset',
                 ann_file='data/synthetic/unlabelled.txt',
                 data_prefix=dict(video=data_root), pipeline=train_pipeline),
            dict(type='CompressedVideoDataset',
                 ann_file='data/synthetic/train.txt',
                 data_prefix=dict(video=data_root), pipeline=train_pipeline)
        ]))
max_epochs = 30
train_cfg = dict(max_epochs=max_epochs)
# Toy-scale deviation from the paper's SGD: with SGD (lr 0.05, momentum 0.9)
# this narrow network collapsed to uniform pretext predictions within the
# first epochs (PMSP and CTP losses stayed at chance for 30 epochs, measured);
# AdamW at 1e-3 learns PMSP within a few epochs.
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='AdamW', lr=1e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0,
         by_epoch=True, begin=1, end=max_epochs, convert_to_iter_based=True)
]
val_evaluator = dict(_delete_=True, type='PretextAccuracy')
# Test: every val clip 8 times. Each pass draws a new CTP type (and partner
# clip) for it, and the PMSP labels follow the P-frames that draw feeds, so
# the pretext accuracies are measured on 512 draws instead of 64 (binomial
# standard error about 2 points instead of 6).
# The batch size of validation: CTP's 'random' partners come from the batch.
test_dataloader = dict(
    batch_size={{_base_.val_dataloader.batch_size}},
    dataset=dict(_delete_=True, type='RepeatDataset', times=8,
                 dataset={{_base_.val_dataloader.dataset}}))
test_evaluator = val_evaluator
# The CTP draws of validation and test come from torch's global RNG: a
# fixed seed makes the reported pretext accuracy repeat exactly
# (our tools/train.py --seed overrides it for training; mmaction2's stock
# train.py keeps it: pass --cfg-options randomness.seed=N there).
randomness = dict(seed=0)
