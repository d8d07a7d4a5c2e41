# The synthetic data set (tools/data/make_synthetic.py: 8 motion-only
# classes, 128x96 MPEG-4 clips of 72 frames) as dense clips at toy scale:
# ./dense_video.py with 2 views of 16 frames, decoded at short side 64,
# 64x64 crops. No flip_label_map: the contrastive stage uses no labels
# (an evaluation config that does sets its own pipelines).
_base_ = ['./dense_video.py']

data_root = 'data/synthetic/videos'
ann_file_train = 'data/synthetic/train.txt'
ann_file_val = 'data/synthetic/val.txt'
train_pipeline = [
    _base_.train_pipeline[0],
    dict(type='SampleViews', clip_len=16, num_views=2),
    dict(type='DenseClipDecode', streams=_base_.streams, target_short_side=64),
    dict(type='PerView',
         transforms=[
             dict(type='CompressedMultiScaleCrop',
                  input_size=64,
                  scales=(1, .875, .75),
                  random_crop=True,
                  max_wh_scale_gap=1),
             dict(type='CompressedResize', scale=(64, 64), keep_ratio=False),
             dict(type='CompressedFlip', flip_ratio=0.5),
             _base_.train_pipeline[3].transforms[-1]
         ]), *_base_.train_pipeline[-2:]
]
test_pipeline = [
    _base_.test_pipeline[0],
    dict(type='SampleViews', clip_len=16, num_views=1, test_mode=True),
    dict(type='DenseClipDecode',
         streams=_base_.streams,
         target_short_side=64,
         on_error='raise'),
    dict(type='CompressedCenterCrop', crop_size=64), *_base_.test_pipeline[-2:]
]
val_pipeline = test_pipeline
train_dataloader = dict(batch_size=16,
                        num_workers=2,
                        dataset=dict(ann_file=ann_file_train,
                                     data_prefix=dict(video=data_root),
                                     pipeline=train_pipeline))
val_dataloader = dict(batch_size=16,
                      num_workers=2,
                      dataset=dict(ann_file=ann_file_val,
                                   data_prefix=dict(video=data_root),
                                   pipeline=val_pipeline))
test_dataloader = dict(batch_size=16,
                       num_workers=2,
                       dataset=dict(ann_file=ann_file_val,
                                    data_prefix=dict(video=data_root),
                                    pipeline=test_pipeline))
