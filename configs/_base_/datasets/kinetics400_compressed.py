# Kinetics-400 re-encoded to the paper's format (tools/data/reencode.py),
# file lists from the class folders (tools/data/build_filelist.py folders).
_base_ = ['./compressed_video.py']

data_root = 'data/kinetics400/videos_train_mpeg4'
data_root_val = 'data/kinetics400/videos_val_mpeg4'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = 'data/kinetics400/kinetics400_val_list_videos.txt'
num_classes = 400
train_dataloader = dict(
    dataset=dict(
        num_classes=num_classes,
        ann_file=ann_file_train, data_prefix=dict(video=data_root)))
# Testing reads the val list (batch size and pipelines: ./compressed_video.py).
val_dataloader = dict(
    dataset=dict(
        num_classes=num_classes,
        ann_file=ann_file_val, data_prefix=dict(video=data_root_val)))
test_dataloader = val_dataloader
