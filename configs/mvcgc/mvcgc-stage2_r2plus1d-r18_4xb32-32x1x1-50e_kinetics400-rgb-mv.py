# MVCGC stage 2 (cross guidance) on Kinetics-400, from the two K400 stage-1
# runs; queue 16384. 50 epochs are ours (the paper gives UCF101's only).
_base_ = ['./mvcgc-stage1_r2plus1d-r18_4xb32-32x1x1-100e_kinetics400-rgb.py']
stage1_runs = 'work_dirs/mvcgc-stage1_r2plus1d-r18_4xb32-32x1x1-100e_kinetics400'
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
            checkpoint=f'{stage1_runs}-{m}/epoch_100.pth',
            prefix=f'encoders.{m}.'))
        for m in ('rgb', 'mv')
    })
train_cfg = dict(max_epochs=50)
