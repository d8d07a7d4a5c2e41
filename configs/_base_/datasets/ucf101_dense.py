# UCF101 split 1 as dense clips (./dense_video.py: 2 views of 32 frames at
# 128x128), from the videos re-encoded to the paper's format
# (tools/data/reencode.py; the original UCF101 .avi files work too) and the
# file lists of tools/data/build_filelist.py ucf101.
_base_ = ['./dense_video.py']

data_root = 'data/ucf101/videos_mpeg4'
ann_file_train = 'data/ucf101/ucf101_train_split_1_videos.txt'
ann_file_val = 'data/ucf101/ucf101_val_split_1_videos.txt'
num_classes = 101
train_dataloader = dict(dataset=dict(
    num_classes=num_classes, ann_file=ann_file_train,
    data_prefix=dict(video=data_root)))
# Testing reads the val list.
val_dataloader = dict(dataset=dict(
    num_classes=num_classes, ann_file=ann_file_val,
    data_prefix=dict(video=data_root)))
test_dataloader = val_dataloader
