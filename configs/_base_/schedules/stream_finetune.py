# Fine-tuning the stream encoders of a linear-probe config of
# configs/mvcgc/ (docs/mvcgc.md "Evaluation"): variables only, for a
# fine-tuning config that inherits the linear-probe config beside this
# file and sets `model`, `optim_wrapper` and `param_scheduler` from them.
# Every layer learns (no frozen stage, BN in training mode), dropout 0.5
# before each head; SGD lr 0.1 at batch 128, 5 warm-up epochs, cosine to 0
# over 100 epochs. Ours, not tuned: the papers do not give these schedules.
finetune_model = dict(
    backbone=dict(backbones={
        m: dict(frozen_stages=-1, norm_eval=False)
        for m in ('rgb', 'mv')
    }),
    cls_head=dict(heads={m: dict(dropout_ratio=0.5) for m in ('rgb', 'mv')}))
finetune_optimizer = dict(
    _delete_=True, type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
finetune_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=95, eta_min=0, by_epoch=True,
         begin=5, end=100, convert_to_iter_based=True)
]
