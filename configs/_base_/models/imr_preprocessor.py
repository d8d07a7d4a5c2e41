# Per-stream normalisation of compressed-video inputs: mmaction's stock
# MultiModalDataPreprocessor, one ActionDataPreprocessor per results key.
# Batches (mmengine's pseudo_collate, the Runner default) reach it as a dict
# of lists of [M, C, T', H, W] tensors and leave it as a dict of
# [N, M, C, T', H, W] float tensors, which MMRecognizer3D reshapes to
# [N * M, C, T', H, W] for ``backbone(**inputs)``. Streams absent from a
# pipeline are simply not looked up, so I-frame-only or motion-only models can
# inherit this file unchanged.
#
# imgs: ImageNet RGB statistics (uint8 0..255).
# motion_vectors: (u, v) in pixels per frame; mean 0 so that a flip
#   (u -> -u) keeps the normalised field the flip of itself and the
#   scale-invariant PMSP labels are unchanged; std = RMS of the dense field.
# residuals: signed RGB (0..255 units), mean 0, std = RMS.
# The RMS values were measured with
#   python tools/analysis/stream_stats.py ../shared/testdata \
#       --paper-format --accumulate
# on the 4 test clips re-encoded to the paper's format (MPEG-4 part 2,
# GOP 12, no B-frames, q 1, 340x256), every GOP, kappa=5, raw mode (the
# decoder's default), pooled over all pixels:
#   MV 2.72 px per component (per video 0.81 .. 4.50), residuals 9.19 per
#   channel (per video 4.1 .. 11.1); see docs/transforms.md.
# With CompressedVideoDecode(accumulate=True) the fields are larger (pooled
# MV 10.8 px, residuals 19.6): override the two std entries, e.g.
#   model = dict(data_preprocessor=dict(preprocessors=dict(
#       motion_vectors=dict(std=[10.8, 10.8]),
#       residuals=dict(std=[19.6, 19.6, 19.6]))))
# Use it in a model config with `_base_ = [..., 'imr_preprocessor.py']` and
#   model = dict(..., data_preprocessor=_base_.data_preprocessor)
# Placeholder quality: 4 clips; re-measure on the training set with the same
# tool (--ann-file/--data-prefix) if it matters (BatchNorm after the first
# conv absorbs a constant factor anyway).
data_preprocessor = dict(
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
            format_shape='NCTHW'),
        residuals=dict(
            type='ActionDataPreprocessor',
            mean=[0., 0., 0.],
            std=[9.19, 9.19, 9.19],
            format_shape='NCTHW')))
