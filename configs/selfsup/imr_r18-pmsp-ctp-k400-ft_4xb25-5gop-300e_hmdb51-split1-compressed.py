# Fine-tune the PMSP+CTP K400-pretrained R18 backbone on HMDB51 split 1
# (paper Table 3: 45.0; from scratch 43.7).
_base_ = ['../imrnet/imr_r18_4xb25-5gop-300e_hmdb51-split1-compressed.py']
load_from = 'work_dirs/imr_r18_k400-pmsp-ctp_backbone.pth'
