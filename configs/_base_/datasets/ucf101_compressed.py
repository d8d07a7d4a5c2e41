# UCF101 split 1, re-encoded to the paper's format (tools/data/reencode.py),
# file lists from the official split files (tools/data/build_filelist.py
# ucf101). For split 2 / 3 override the three ann_file entries.
_base_ = ['./compressed_video.py']

data_root = 'data/ucf101/videos_mpeg4'
ann_file_train = 'data/ucf101/ucf101_train_split_1_videos.txt'
ann_file_val = 'data/ucf101/ucf101_val_split_1_videos.txt'
num_classes = 101
# Every split reads the same folder; testing reads the val list (batch size
# and pipelines: ./compressed_video.py).
__files = dict(num_classes=num_classes, data_prefix=dict(video=data_root))
train_dataloader = dict(dataset=dict(__files, ann_file=ann_file_train))
val_dataloader = dict(dataset=dict(__files, ann_file=ann_file_val))
test_dataloader = val_dataloader
