# Toy MVCGC stage 2 (cross guidance), from the two toy stage-1 runs
# (their last checkpoints, trusted through the runs' manifests), 10 epochs.
_base_ = ['./mvcgc-stage1_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb.py']
stage1_runs = 'work_dirs/mvcgc-stage1_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic'
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
            checkpoint=f'{stage1_runs}-{m}/epoch_20.pth',
            prefix=f'encoders.{m}.'))
        for m in ('rgb', 'mv')
    })
train_cfg = dict(max_epochs=10)
