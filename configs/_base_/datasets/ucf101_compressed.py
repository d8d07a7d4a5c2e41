# UCF101 split 1, re-encoded to the paper's format (tools/data/reencode.py),
# file lists from the official split files (tools/data/build_filelist.py
# ucf101). For split 2 / 3 override the three ann_file entries.
_base_ = ['./compressed_video.py']

data_root = 'data/ucf101/videos_mpeg4'
ann_file_train = 'data/ucf101/ucf101_train_split_1_videos.txt'
ann_file_val = 'data/ucf101/ucf101_val_split_1_videos.txt'
train_dataloader = dict(
    dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file_val, data_prefix=dict(video=data_root)))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file_val, data_prefix=dict(video=data_root)))
