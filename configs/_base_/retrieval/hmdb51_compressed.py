# Video retrieval views of HMDB51 split 1 (./compressed_video.py: the
# paper's protocol), read by tools/retrieval.py. The paths are those of
# ../datasets/hmdb51_compressed.py; classes.txt is written by
# tools/data/build_filelist.py.
_base_ = ['./compressed_video.py']

__root = 'data/hmdb51/'
__videos = dict(video=__root + 'videos_mpeg4')
retrieval = dict(
    gallery_dataloader=dict(dataset=dict(
        ann_file=__root + 'hmdb51_train_split_1_videos.txt',
        data_prefix=__videos)),
    query_dataloader=dict(dataset=dict(
        ann_file=__root + 'hmdb51_val_split_1_videos.txt',
        data_prefix=__videos)),
    class_names=__root + 'classes.txt')
