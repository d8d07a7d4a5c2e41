# Fine-tuning after toy PMSP+CTP pretraining, on the same small labelled
# subset and with the same budget as imr_r18-tiny-subset_*.py (scratch).
# load_from: the weights-only backbone written by tools/convert_pretrained.py
# from the pretraining run (tools/quickstart.sh does that).
_base_ = ['./imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py']
load_from = 'work_dirs/quickstart/backbone.pth'
