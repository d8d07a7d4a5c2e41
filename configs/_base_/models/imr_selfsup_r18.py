# Self-supervised IMRNet R18: PMSP + CTP (paper 2.2, docs/design.md).
# One forward pass serves both losses: loss = loss_pmsp + ctp_loss_weight *
# loss_ctp (the logged loss_ctp is already multiplied by ctp_loss_weight).
# PMSP labels come from the motion_vectors fed to the backbone (after crop /
# flip and after the CTP transform). Ablations by values:
#   PMSP only:    model = dict(ctp_head=None)
#   CTP only:     model = dict(pmsp_head=None)
#   CTP(Binary):  model = dict(ctp_types=('aligned', 'random'),
#                              ctp_head=dict(num_classes=2))
# Evaluate the pretext tasks with
#   val_evaluator = dict(type='PretextAccuracy')  # pmsp/acc_mean, ctp/acc,
#   pmsp/acc_s2_t1 .. pmsp/acc_s4_t5 (save_best='auto' uses pmsp/acc_mean)
# After pretraining: tools/convert_pretrained.py keeps the backbone only.
# The backbone is exactly the supervised model's (imr_r18.py), so that
# tools/convert_pretrained.py output loads into it key for key.
_base_ = ['./imr_r18.py']
model = dict(
    _delete_=True,
    type='IMRSelfSup',
    backbone={{_base_.model.backbone}},
    pmsp_head=dict(
        type='PMSPHead',
        in_channels=(512, 32, 32),
        hidden_channels=256,
        spatial=(2, 3, 4),
        temporal=(1, 3, 5)),
    ctp_head=dict(
        type='CTPHead',
        in_channels=(512, 32, 32),
        num_classes=4,
        hidden_channels=512),
    ctp_types=('aligned', 'random', 'shuffle', 'shift'),
    ctp_loss_weight=1.0,
    # The paper's objective, as written: L_PMSP summed over its 27 label
    # columns, labels from the motion vectors the backbone sees. At toy
    # scale this sum left CTP at chance next to PMSP (3 seeds), and 'mean'
    # (L_PMSP / 27) learnt both in 2 of 3 seeds, so the toy config uses 'mean'
    # (docs/selfsup.md, "Joint PMSP+CTP"). The paper-scale configs keep the
    # paper's sum: the paper reports both tasks learnt with it on K400 at
    # full width, and nothing has been measured at that scale here. To try
    # the toy finding: --cfg-options model.pmsp_loss_reduction=mean.
    pmsp_loss_reduction='sum',
    pmsp_label_source='fed',
    data_preprocessor=_base_.data_preprocessor)
