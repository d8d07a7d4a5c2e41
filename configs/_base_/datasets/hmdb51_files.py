# The files of HMDB51 split 1 (those of ./hmdb51_compressed.py) as pieces
# for configs that inherit a UCF101 config and switch it to HMDB51 (the
# dense-clip evaluation configs of configs/mvcgc/): they set their loaders'
# datasets and `retrieval` from these. Variables only, so it can be
# inherited beside the UCF101 config.
hmdb51_num_classes = 51
__root = 'data/hmdb51/'
__files = dict(data_prefix=dict(video=__root + 'videos_mpeg4'))
hmdb51_train = dict(__files, num_classes=51,
                    ann_file=__root + 'hmdb51_train_split_1_videos.txt')
hmdb51_val = dict(__files, num_classes=51,
                  ann_file=__root + 'hmdb51_val_split_1_videos.txt')
hmdb51_retrieval = dict(
    gallery_dataloader=dict(dataset=dict(
        __files, ann_file=__root + 'hmdb51_train_split_1_videos.txt')),
    query_dataloader=dict(dataset=dict(
        __files, ann_file=__root + 'hmdb51_val_split_1_videos.txt')),
    class_names=__root + 'classes.txt')
