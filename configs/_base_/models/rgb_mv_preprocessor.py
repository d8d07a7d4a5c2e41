# The normalisation of the I-frames (or RGB frames) and of the motion vectors
# that IMRNet (./imr_preprocessor.py adds the residuals) and MVCGC
# (./mvcgc_r2plus1d_r18.py) share: mmaction's stock
# MultiModalDataPreprocessor, one ActionDataPreprocessor per results key.
# imgs: ImageNet RGB statistics (uint8 0..255); motion_vectors: mean 0 (a
# flip negates u; only a zero mean keeps the normalised field of a flipped
# clip its mirror image) and the RMS of raw-mode fields in the paper's format
# (tools/analysis/stream_stats.py; the figures are in docs/transforms.md).
model = dict(
    data_preprocessor=dict(
        type='MultiModalDataPreprocessor',
        preprocessors=dict(
            imgs=dict(
                type='ActionDataPreprocessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                format_shape='NCTHW'),
            motion_vectors=dict(
                type='ActionDataPreprocessor',
                mean=[0., 0.],
                std=[2.72, 2.72],
                format_shape='NCTHW'))))
