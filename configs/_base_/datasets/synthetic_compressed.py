# The synthetic data set (tools/data/make_synthetic.py): 8 classes that
# differ only in motion, 128x96 MPEG-4 clips, at toy scale: the paper's
# pipelines (./compressed_video.py) with short side 64 and 56x56 crops.
# Labels are the sorted class names of data/synthetic/classes.txt.
_base_ = ['./compressed_video.py']

data_root = 'data/synthetic/videos'
ann_file_train = 'data/synthetic/train.txt'
ann_file_val = 'data/synthetic/val.txt'
# A horizontal flip turns a move_left clip into a move_right one and a
# clockwise rotation into an anticlockwise one: swap those labels. The map
# belongs to this data set only; CompressedVideoDataset rejects it for a
# file list whose labels it does not name (num_classes is left unset so that
# the bound is the list's own labels, also in configs derived from this one).
flip_label_map = {1: 2, 2: 1, 4: 5, 5: 4}
# The paper's pipelines: their decode steps (the first three) and packing
# (the last two) as they are, the geometry at toy size.
train_pipeline = [
    *_base_.train_pipeline[:3],
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedMultiScaleCrop', input_size=56,
         scales=(1, .975, .9, .85), random_crop=True, max_wh_scale_gap=1),
    dict(type='CompressedResize', scale=(56, 56), keep_ratio=False),
    dict(type='CompressedFlip', flip_ratio=0.5,
         flip_label_map=flip_label_map),
    *_base_.train_pipeline[-2:]
]
val_pipeline = [
    *_base_.val_pipeline[:3],
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedCenterCrop', crop_size=56),
    *_base_.val_pipeline[-2:]
]
test_pipeline = [
    *_base_.test_pipeline[:3],
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedThreeCrop', crop_size=56),
    *_base_.test_pipeline[-2:]
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
# Validation and testing read the val list (testing: 8 videos per batch, 3
# crops each).
val_dataloader = dict(
    train_dataloader,
    dataset=dict(
        train_dataloader['dataset'],
        ann_file=ann_file_val,
        pipeline=val_pipeline))
test_dataloader = dict(
    val_dataloader,
    batch_size=8,
    dataset=dict(val_dataloader['dataset'], pipeline=test_pipeline))
