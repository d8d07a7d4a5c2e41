# Video retrieval views at the paper's scale, read by tools/retrieval.py
# (docs/evaluation.md), as the CoCLR / MVCGC protocol: the train videos are
# searched (the gallery: one centre clip each) and every test video queries
# them (clips of 5 GOPs at a stride of 5 GOPs, i.e. adjacent 2 s clips of a
# 30 fps video in the paper's format, their features averaged). One centre
# 224 crop of the short side 256 per clip. A data set's file (e.g.
# ./hmdb51_compressed.py) sets only the files; it is inherited beside the
# data set config, so the two cannot share variables.
retrieval_streams = ('imgs', 'motion_vectors', 'residuals')
# The two views differ only in where their clips start; what follows the
# sampling is shared (names with two leading underscores stay out of the
# config: mmengine drops them).
__decode_crop_pack = [
    dict(type='CompressedVideoDecode', kappa=5, streams=retrieval_streams,
         on_error='raise'),
    dict(type='CompressedResize', scale=(-1, 256)),
    dict(type='CompressedCenterCrop', crop_size=224),
    dict(type='FormatCompressedShape'),
    dict(type='PackActionInputs', collect_keys=retrieval_streams)
]
retrieval_gallery_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='SampleGOPs', clip_len=5, num_clips=1, test_mode=True),
    *__decode_crop_pack
]
retrieval_query_pipeline = [
    dict(type='CompressedVideoInit', on_error='raise'),
    dict(type='DenseSampleGOPs', clip_len=5, clip_stride=5),
    *__decode_crop_pack
]
__loader = dict(
    batch_size=8,
    num_workers=8,
    sampler=dict(type='DefaultSampler', shuffle=False))
__dataset = dict(
    type='CompressedVideoDataset',
    ann_file='',
    data_prefix=dict(video=''),
    test_mode=True)
retrieval = dict(
    gallery_dataloader=dict(
        __loader,
        dataset=dict(__dataset, pipeline=retrieval_gallery_pipeline)),
    query_dataloader=dict(
        __loader, dataset=dict(__dataset, pipeline=retrieval_query_pipeline)),
    evaluator=dict(type='VideoRetrievalRecall'),
    class_names='')
