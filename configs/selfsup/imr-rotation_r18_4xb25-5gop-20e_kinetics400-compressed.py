# Baseline pretext of the paper's Table 3: Rotation (4-way) on IMRNet R18,
# pretrained on Kinetics-400 with the protocol of the PMSP+CTP config
# (through imr-aot_*: 20 epochs incl. 5 warm-up, SGD, cosine, batch
# 4 x 25, square 224x224 crops; labels unused): only the pretext differs. Then:
#   python tools/convert_pretrained.py work_dirs/<this>/epoch_20.pth \
#       imr_r18_k400-rotation_backbone.pth --trust-checkpoint
# and fine-tune with configs/selfsup/imr_r18-pmsp-ctp-k400-ft_*.py and
# --cfg-options load_from=imr_r18_k400-rotation_backbone.pth.
_base_ = ['./imr-aot_r18_4xb25-5gop-20e_kinetics400-compressed.py']

# The arrow-of-time config's network, head and training; only the
# pretext (and so the validation metric) differs.
model = dict(type='IMRRotationSelfSup')
# Validation: rotation/acc (chance 0.25).
default_hooks = dict(checkpoint=dict(save_best='rotation/acc'))
