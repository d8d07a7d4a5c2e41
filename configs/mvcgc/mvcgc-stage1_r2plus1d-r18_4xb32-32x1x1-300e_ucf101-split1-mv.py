# MVCGC stage 1, motion vectors: the RGB config with the MV encoder
# (R(2+1)D-18 on the 2-channel dense field; zero at I-frames).
_base_ = ['./mvcgc-stage1_r2plus1d-r18_4xb32-32x1x1-300e_ucf101-split1-rgb.py']
model = dict(modality='mv')
