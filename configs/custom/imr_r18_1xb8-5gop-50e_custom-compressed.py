# Template: IMRNet R18 trained from scratch on your own videos
# (docs/own_videos.md walks through every step). Copy this file, then:
#   1. tools/data/reencode.py     class folders -> the paper's MPEG-4 format
#   2. tools/data/build_filelist.py folders ... --split-ratio 0.8
#                                 -> list_train.txt, list_val.txt, classes.txt
#   3. set data_root, the two lists and num_classes below
#   4. optional: tools/analysis/stream_stats.py prints the normalisation
#      measured on your videos; put it into `model` below
# The pipelines are the paper's (../_base_/datasets/compressed_video.py:
# 5 GOPs = 5 I-frames + 25 P-frames, 224x224 crops, flip without a label
# map: add flip_label_map only if a flip changes your classes).
_base_ = [
    '../_base_/models/imr_r18.py',
    '../_base_/datasets/compressed_video.py',
    '../_base_/schedules/sgd.py', '../_base_/default_runtime.py'
]

data_root = 'data/mydata/videos_mpeg4'
ann_file_train = 'data/mydata/list_train.txt'
ann_file_val = 'data/mydata/list_val.txt'
num_classes = 2  # lines of data/mydata/classes.txt

# Put the data_preprocessor=dict(...) printed by stream_stats.py into this
# dict (a second `model = ...` line would replace this one).
model = dict(cls_head=dict(num_classes=num_classes))

# Every split reads the same folder; testing reads the val list, one video
# per batch (../_base_/datasets/compressed_video.py).
__files = dict(num_classes=num_classes, data_prefix=dict(video=data_root))
train_dataloader = dict(
    batch_size=8, num_workers=2,
    dataset=dict(__files, ann_file=ann_file_train))
val_dataloader = dict(
    batch_size=8, num_workers=2,
    dataset=dict(__files, ann_file=ann_file_val))
test_dataloader = dict(num_workers=2, dataset=val_dataloader['dataset'])

# The paper's optimiser (SGD: ../_base_/schedules/sgd.py), warm-up + cosine,
# with its learning rate of 0.1 per 100 clips scaled to batch 8;
# `--auto-scale-lr` rescales it if you change the batch size or the number
# of GPUs.
max_epochs = 50
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 5, eta_min=0,
         by_epoch=True, begin=5, end=max_epochs, convert_to_iter_based=True)
]
optim_wrapper = dict(optimizer=dict(lr=0.008))
auto_scale_lr = dict(base_batch_size=8)
