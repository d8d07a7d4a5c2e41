# Toy scale: a narrow IMRNet R18 on the synthetic data set (8 classes that
# differ only in motion; tools/data/make_synthetic.py), trained on a 2-core
# CPU in minutes. Same clip structure as the paper (5 GOPs: 5 I + 25 P
# frames), small frames: the 128x96 videos are resized to short side 64 and
# cropped to 56x56.
# Dataloaders, evaluators: the paper's (_base_/datasets/compressed_video.py);
# this file sets the synthetic files, smaller batches and smaller frames.
_base_ = [
    '../_base_/models/imr_r18.py', '../_base_/datasets/compressed_video.py',
    '../_base_/default_runtime.py'
]

# base 16 / ratio 4: I pathway 16..128 channels, M/R pathways 4..32.
model = dict(
    backbone=dict(base_channels=16, channel_ratio=4),
    cls_head=dict(num_classes=8, in_channels=(128, 32, 32), dropout_ratio=0.3))

data_root = 'data/synthetic/videos'
ann_file_train = 'data/synthetic/train.txt'
ann_file_val = 'data/synthetic/val.txt'
streams = ('imgs', 'motion_vectors', 'residuals')
# A horizontal flip turns a move_left clip into a move_right one and a
# clockwise rotation into an anticlockwise one: swap those labels.
# Labels are the sorted class names of data/synthetic/classes.txt.
flip_label_map = {1: 2, 2: 1, 4: 5, 5: 4}
train_pipeline = [
    dict(type='CompressedVideoInit'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1),
    dict(type='CompressedVideoDecode', kappa=5, streams=streams),
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedMultiScaleCrop', input_size=56,
         scales=(1, .975, .9, .85), random_crop=True, max_wh_scale_gap=1),
    dict(type='CompressedResize', scale=(56, 56), keep_ratio=False),
    dict(type='CompressedFlip', flip_ratio=0.5,
         flip_label_map=flip_label_map),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
val_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(type='CompressedVideoDecode', kappa=5, streams=streams,
         on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedCenterCrop', crop_size=56),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
test_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    dict(type='CompressedVideoDecode', kappa=5, streams=streams,
         on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedThreeCrop', crop_size=56),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=streams)
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline))

max_epochs = 40
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0,
         by_epoch=True, begin=1, end=max_epochs, convert_to_iter_based=True)
]
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=40, norm_type=2))
default_hooks = dict(logger=dict(interval=4))
auto_scale_lr = dict(enable=False, base_batch_size=16)
