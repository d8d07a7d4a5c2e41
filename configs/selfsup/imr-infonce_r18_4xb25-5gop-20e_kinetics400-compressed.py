# Baseline pretext of the paper's Table 3: InfoNCE (MoCo v2) on IMRNet R18,
# pretrained on Kinetics-400 with the protocol of the PMSP+CTP config it
# inherits (20 epochs incl. 5 warm-up, SGD, cosine, batch 4 x 25; labels
# unused): only the pretext differs. Two clips of 5 GOPs of a video (each
# with its own 224 crop and flip) are positives; momentum encoder 0.999,
# queue 16384, temperature 0.07, 128-d projection of the pooled
# three-pathway embedding. Then:
#   python tools/convert_pretrained.py work_dirs/<this>/epoch_20.pth \
#       imr_r18_k400-infonce_backbone.pth --trust-checkpoint
# and fine-tune with configs/selfsup/imr_r18-pmsp-ctp-k400-ft_*.py and
# --cfg-options load_from=imr_r18_k400-infonce_backbone.pth.
_base_ = ['./imr-pmsp-ctp_r18_4xb25-5gop-20e_kinetics400-compressed.py']

model = dict(
    _delete_=True,
    type='IMRInfoNCE',
    backbone={{_base_.model.backbone}},
    in_channels=512 + 32 + 32,
    embed_dim=128,
    queue_size=16384,
    momentum=0.999,
    temperature=0.07,
    data_preprocessor={{_base_.model.data_preprocessor}})

# The pretext config's training pipeline with two clips per video, each
# with its own crop and flip (all streams of a clip alike).
train_pipeline = [
    _base_.train_pipeline[0],
    dict(type='SampleGOPs', clip_len=5, num_clips=2),
    *_base_.train_pipeline[2:4],
    dict(type='PerView', transforms=_base_.train_pipeline[4:7]),
    *_base_.train_pipeline[-2:]
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# No pretext accuracy to validate: evaluate the converted backbone.
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = None
test_cfg = None
test_evaluator = None
default_hooks = dict(checkpoint=dict(save_best=None))
