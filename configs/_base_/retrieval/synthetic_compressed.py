# Video retrieval views of the synthetic data set, read by tools/retrieval.py
# (docs/evaluation.md): ./compressed_video.py's protocol at toy scale, the
# val videos querying the train videos with clips of 5 GOPs at a stride of
# 1 GOP, centre 56x56 crops of the short side 64 (like the toy val
# pipeline). The paths are those of ../datasets/synthetic_compressed.py.
_base_ = ['./compressed_video.py']

# The protocol's sampling, decode and packing as they are, the geometry at
# toy size.
__crop = [
    dict(type='CompressedResize', scale=(-1, 64)),
    dict(type='CompressedCenterCrop', crop_size=56)
]
retrieval_gallery_pipeline = [
    *_base_.retrieval_gallery_pipeline[:3], *__crop,
    *_base_.retrieval_gallery_pipeline[-2:]
]
retrieval_query_pipeline = [
    *_base_.retrieval_query_pipeline[:1],
    dict(type='DenseSampleGOPs', clip_len=5, clip_stride=1),
    _base_.retrieval_query_pipeline[2], *__crop,
    *_base_.retrieval_query_pipeline[-2:]
]
__root = 'data/synthetic/'
__files = dict(data_prefix=dict(video=__root + 'videos'))
retrieval = dict(
    gallery_dataloader=dict(num_workers=2, dataset=dict(
        __files, ann_file=__root + 'train.txt',
        pipeline=retrieval_gallery_pipeline)),
    query_dataloader=dict(num_workers=2, dataset=dict(
        __files, ann_file=__root + 'val.txt',
        pipeline=retrieval_query_pipeline)),
    class_names=__root + 'classes.txt')
