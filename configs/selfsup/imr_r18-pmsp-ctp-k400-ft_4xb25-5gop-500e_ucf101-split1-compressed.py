# Fine-tune the PMSP+CTP K400-pretrained R18 backbone on UCF101 split 1
# (paper Table 3: 76.8; from scratch 74.1). `load_from` takes the
# weights-only file written by tools/convert_pretrained.py (keys
# `backbone.*`; the new classification head starts from its init).
_base_ = ['../imrnet/imr_r18_4xb25-5gop-500e_ucf101-split1-compressed.py']
load_from = 'work_dirs/imr_r18_k400-pmsp-ctp_backbone.pth'
