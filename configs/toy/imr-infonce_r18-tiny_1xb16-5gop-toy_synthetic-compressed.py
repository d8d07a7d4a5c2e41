# Toy baseline pretext: InfoNCE (MoCo v2) on the IMR network (paper Table
# 3). Same data (unlabelled + train clips, labels unused), network,
# optimiser and 30 epochs as imr-pmsp-ctp_r18-tiny_*: only the pretext
# differs. Two clips of 5 GOPs per video (SampleGOPs(num_clips=2)) are the
# positives, each with its own crop and flip (PerView); a momentum encoder
# (0.99: the toy run's 600 iterations are too few for the paper-scale 0.999,
# which left the toy MVCGC encoders at chance; configs/mvcgc/), a queue of 256 keys (under the 320 videos) and temperature 0.07
# on the 128-d projection of the pooled three-pathway embedding. The toy
# videos have 6 GOPs, so the two windows are the same or one GOP apart:
# the crops make the views differ. No validation loop (there is no pretext
# accuracy to report); evaluate the converted backbone:
#   python tools/convert_pretrained.py work_dirs/<run>/epoch_30.pth \
#       backbone.pth --trust-checkpoint
_base_ = ['./imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

model = dict(
    _delete_=True,
    type='IMRInfoNCE',
    backbone={{_base_.model.backbone}},
    in_channels=128 + 32 + 32,
    embed_dim=128,
    queue_size=256,
    momentum=0.99,
    temperature=0.07,
    data_preprocessor={{_base_.data_preprocessor}})

# The pretext config's training pipeline with two clips per video, each
# with its own crop and flip (all streams of a clip alike).
train_pipeline = [
    _base_.train_pipeline[0],
    dict(type='SampleGOPs', clip_len=5, num_clips=2),
    *_base_.train_pipeline[2:4],
    dict(type='PerView', transforms=_base_.train_pipeline[4:7]),
    *_base_.train_pipeline[-2:]
]
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(dataset, pipeline=train_pipeline)
        for dataset in _base_.train_dataloader.dataset.datasets
    ]))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None
default_hooks = dict(checkpoint=dict(save_best=None))
