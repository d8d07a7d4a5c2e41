# Toy MVCGC stage 1, motion vectors (see the `-rgb` config).
_base_ = ['./mvcgc-stage1_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb.py']
model = dict(modality='mv')
