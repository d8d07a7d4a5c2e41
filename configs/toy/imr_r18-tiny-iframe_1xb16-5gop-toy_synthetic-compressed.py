# The I-frame-only variant of the toy model: the same I pathway, without the
# motion-vector and residual pathways. The synthetic classes differ only in
# motion, so the I-frames (5 per clip, 12 frames apart) carry little of the
# class: compare with the three-stream model to see what the compressed
# streams add. Data, augmentation and schedule are the three-stream model's
# (the backbone reads only the streams it is built for), so the model is
# the only difference.
_base_ = ['./imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py']

model = dict(
    backbone=dict(streams=('imgs', ), fusion=None),
    cls_head=dict(in_channels=(128, )))
