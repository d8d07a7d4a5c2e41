# Per-stream normalisation of compressed-video inputs: mmaction's stock
# MultiModalDataPreprocessor, one ActionDataPreprocessor per results key.
# Batches (mmengine's pseudo_collate, the Runner default) reach it as a dict
# of lists of [M, C, T', H, W] tensors and leave it as a dict of
# [N, M, C, T', H, W] float tensors, which MMRecognizer3D reshapes to
# [N * M, C, T', H, W] for ``backbone(**inputs)``. Streams absent from a
# pipeline are simply not looked up, so I-frame-only or motion-only models can
# inherit this file unchanged.
#
# imgs, motion_vectors: ./rgb_mv_preprocessor.py (shared with MVCGC).
# motion_vectors, residuals: mean 0 (a flip negates u; only a zero mean keeps
#   the normalised field of a flipped clip its mirror image) and one std per
#   stream (a pure scale, which leaves the PMSP labels unchanged). The std
#   is the RMS of raw-mode streams in the paper's format, measured with
#   tools/analysis/stream_stats.py: the figures, the command and the values
#   for accumulate=True are in docs/transforms.md; why, in
#   docs/design.md#geometry-and-normalisation. Measure your own data.
# Use it in a model config with `_base_ = [..., 'imr_preprocessor.py']` and
#   model = dict(..., data_preprocessor=_base_.data_preprocessor)
_base_ = ['./rgb_mv_preprocessor.py']

__rgb_mv = _base_.model.data_preprocessor
data_preprocessor = dict(
    __rgb_mv,
    preprocessors=dict(
        __rgb_mv.preprocessors,
        residuals=dict(
            type='ActionDataPreprocessor',
            mean=[0., 0., 0.],
            std=[9.19, 9.19, 9.19],
            format_shape='NCTHW')))
# A model config that inherits this file without setting its own
# data_preprocessor gets all three streams.
model = dict(data_preprocessor=data_preprocessor)
