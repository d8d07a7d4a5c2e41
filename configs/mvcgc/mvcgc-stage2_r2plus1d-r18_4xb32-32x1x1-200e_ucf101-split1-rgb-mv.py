# MVCGC stage 2, cross guidance, on UCF101 split 1: both encoders train
# together, each starting from its stage-1 run (backbone and projection
# head, through the encoder's init_cfg); positives mined in the top 5 of
# both modalities, cross-modal multi-positive InfoNCE in both directions;
# 200 epochs (the paper's UCF101 protocol). The stage-1 runs' own
# checkpoints are trusted through their manifests; other files: see
# docs/mvcgc.md. CoCLR's alternating variant: model = dict(guide='rgb')
# (train MV) or guide='mv' (train RGB), each run loading the previous one.
_base_ = ['./mvcgc-stage1_r2plus1d-r18_4xb32-32x1x1-300e_ucf101-split1-rgb.py']
stage1_runs = 'work_dirs/mvcgc-stage1_r2plus1d-r18_4xb32-32x1x1-300e_ucf101-split1'
# Each encoder starts from its own stage-1 run (backbone and projection
# head, through the encoder's init_cfg).
model = dict(
    stage=2,
    modality=None,
    guide='intersection',
    topk=5,
    **{
        f'{m}_encoder': dict(init_cfg=dict(
            type='Pretrained',
            checkpoint=f'{stage1_runs}-{m}/epoch_300.pth',
            prefix=f'encoders.{m}.'))
        for m in ('rgb', 'mv')
    })
train_cfg = dict(max_epochs=200)
