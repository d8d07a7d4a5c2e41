# Toy baseline pretext: Rotation (4-way: 0 / 90 / 180 / 270 degrees) on the
# IMR network (paper Table 3). Same data (unlabelled + train clips, labels
# unused), square 56x56 crops, network, optimiser and 30 epochs as
# imr-pmsp-ctp_r18-tiny_*: only the pretext differs. All three streams turn
# together and the motion vectors turn with the picture (docs/selfsup.md,
# "Baseline pretexts"). Validation: rotation/acc (chance 0.25); the test set
# shows every val clip 8 times, each pass with new draws. Then convert and
# fine-tune like PMSP+CTP:
#   python tools/convert_pretrained.py work_dirs/<run>/epoch_30.pth \
#       backbone.pth --trust-checkpoint
_base_ = ['./imr-aot_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

# The arrow-of-time config's network, head and training; only the
# pretext (and so the validation metric) differs.
model = dict(type='IMRRotationSelfSup')
default_hooks = dict(checkpoint=dict(save_best='rotation/acc'))
