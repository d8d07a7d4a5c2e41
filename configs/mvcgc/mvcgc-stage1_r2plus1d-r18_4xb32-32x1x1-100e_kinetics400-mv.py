# MVCGC stage 1, motion vectors, on Kinetics-400 (see the `-rgb` config).
_base_ = ['./mvcgc-stage1_r2plus1d-r18_4xb32-32x1x1-100e_kinetics400-rgb.py']
model = dict(modality='mv')
