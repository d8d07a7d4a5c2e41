"""Dense clips for contrastive learning: Init / SampleViews / Decode / PerView.

The dense mode of the codec (:func:`mmaction_imr.codec.read_dense_clip`):
``N`` consecutive decoded frames per clip, with the RGB of every frame and
its dense motion-vector field (zero at I-frames), as MVCGC trains on. A
video gives ``V`` clips ("views", 2 for contrastive training) that stay
apart until the model:

1. :class:`DenseClipInit` indexes the video (one demux pass) and records
   its ``video_id``;
2. :class:`SampleViews` picks the first frame of each view (training: an
   independent random start per view);
3. :class:`DenseClipDecode` decodes every view in one pass:
   ``imgs`` ``[V*N, H, W, 3]`` and ``motion_vectors`` ``[V*N, H, W, 2]``,
   view-major (mmaction's ``num_clips`` layout, ``num_clips = V``);
4. :class:`PerView` runs the augmentation once per view, each with its own
   random draws; inside a view the ``Compressed*`` geometry transforms give
   the RGB and MV the same crop and flip (MV rescaled, ``u`` negated on a
   flip) and mmaction's ``ColorJitter`` changes ``imgs`` only;
5. ``FormatCompressedShape`` + ``PackActionInputs(collect_keys=('imgs',
   'motion_vectors'))`` pack ``inputs = dict(imgs=[V, 3, N, H, W],
   motion_vectors=[V, 2, N, H, W])``; after ``MultiModalDataPreprocessor``
   a batch is ``imgs`` ``[B, V, 3, N, H, W]`` and ``motion_vectors``
   ``[B, V, 2, N, H, W]``, view ``v`` of sample ``b`` at ``[b, v]``, and
   ``data_samples[b].metainfo['video_id']`` is the video's data-set index.

Decode sets ``kappa = 1`` (one MV field per RGB frame), so the stock
formatting of :mod:`.formatting` gives both streams ``N`` frames.
"""
import copy
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform, Compose

from mmaction.registry import TRANSFORMS
from mmaction_imr.codec import (DENSE_CLIP_LEN, DENSE_STREAMS, MAX_PIXELS,
                                read_dense_clip)
from mmaction_imr.streams import STREAM_KEYS, check_streams
from .loading import (CompressedVideoInit, _ReadVideo, _SampleWindows,
                      _store_clip)

__all__ = ['DenseClipInit', 'SampleViews', 'DenseClipDecode', 'PerView']


@TRANSFORMS.register_module()
class DenseClipInit(CompressedVideoInit):
    """Index a video for dense clips and record which video it is.

    :class:`~.loading.CompressedVideoInit` with the file's own GOPs (dense
    clips use only the frame count and the keyframes, not the GOP cut), plus
    ``video_id``: the sample's index in its data set (``sample_idx``, which
    mmengine's ``BaseDataset`` sets), so that a contrastive model can tell
    clips of the same video apart from the others (e.g. in a queue).

    Required Keys:

        - filename
        - sample_idx (optional; without it no ``video_id`` is added)

    Added Keys:

        - gop_index, total_gops, total_frames
        - video_id (int, when ``sample_idx`` is present; packed into
          ``data_sample.metainfo`` by ``PackActionInputs``' default
          ``meta_keys``)
        - skip_reason (instead, for a video skipped with ``on_error='skip'``)

    Args:
        on_error (str): ``'skip'`` (return None and log a warning) or
            ``'raise'`` for unreadable videos. Defaults to ``'skip'``.
    """

    def __init__(self, on_error: str = 'skip') -> None:
        super().__init__(virtual_gop=None, on_error=on_error)

    def _store(self, results: Dict, index) -> Dict:
        results = super()._store(results, index)
        if 'sample_idx' in results:
            results['video_id'] = int(results['sample_idx'])
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(on_error={self.on_error!r})'


@TRANSFORMS.register_module()
class SampleViews(_SampleWindows):
    """Choose ``num_views`` windows of ``clip_len`` consecutive frames.

    Like mmaction's ``SampleFrames(num_clips=...)`` with
    ``frame_interval=1``, but for views that are augmented and embedded
    apart. Training: each view starts at its own uniformly random frame in
    ``[0, total_frames - clip_len]`` (views may overlap; their order is not
    sorted, so view 0 is not always the earlier one). Testing: ``num_views``
    windows evenly spaced over the video (one: the centre window), the rule
    of ``SampleFrames`` in test mode. A video shorter than ``clip_len``
    starts every view at frame 0 and loops (see
    :func:`~mmaction_imr.codec.dense_frame_inds`).

    Required Keys:

        - total_frames

    Added Keys:

        - clip_starts (np.int64, ``[num_views]``: display index of each
          view's first frame)
        - clip_len
        - num_clips (``= num_views``: mmaction's name, read by
          ``FormatCompressedShape`` and :class:`PerView`)

    Args:
        clip_len (int): Frames per view (N). Defaults to 32.
        num_views (int): Views per video (V). Defaults to 2.
        test_mode (bool): Deterministic evenly spaced views. Defaults to
            False.
    """

    def __init__(self,
                 clip_len: int = DENSE_CLIP_LEN,
                 num_views: int = 2,
                 test_mode: bool = False) -> None:
        super().__init__(clip_len, num_views, test_mode)

    @property
    def num_views(self) -> int:
        """Views per video (mmaction's ``num_clips``)."""
        return self.num_clips

    def _windows(self, results: Dict) -> Dict:
        return dict(clip_starts=self._starts(int(results['total_frames'])))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'num_views={self.num_views}, test_mode={self.test_mode})')


@TRANSFORMS.register_module()
class DenseClipDecode(_ReadVideo):
    """Decode the RGB and MV field of every frame of the sampled views.

    One sequential decoding pass for all views
    (:func:`mmaction_imr.codec.read_dense_clip`). The motion vectors are in
    the convention of ``docs/design.md`` (forward, previous -> current
    frame, pixels per frame), **zero at I-frames**.

    Required Keys:

        - filename
        - gop_index
        - clip_starts
        - clip_len

    Added Keys:

        - imgs (``[V*N, H, W, 3]`` uint8 RGB, view-major)
        - motion_vectors (``[V*N, H, W, 2]`` float32 ``(u, v)`` px/frame)
        - frame_inds (``[V*N]`` int64 display indices)
        - pict_types (``[V*N]`` str, ``'I'``/``'P'``/``'B'``)
        - kappa (``1``: one MV field per RGB frame, for
          ``FormatCompressedShape``)
        - original_shape, img_shape
        - skip_reason (instead, for a video skipped with ``on_error='skip'``)

    Removed Keys:

        - gop_index

    Args:
        streams (Sequence[str]): ``'imgs'`` and/or ``'motion_vectors'``.
            Defaults to both.
        target_short_side (int, optional): Decode both streams with the
            short side scaled to this size (cheaper than a
            ``CompressedResize`` afterwards; the same result within the
            codec's tolerances, ``docs/codec.md``). Defaults to None (the
            video's size).
        on_error (str): ``'skip'`` (return None, log a warning) or
            ``'raise'`` for unreadable videos. Defaults to ``'skip'``.
        max_pixels (int, optional): Pixel bound per output frame, as in
            :class:`CompressedVideoDecode`. Defaults to
            :data:`~mmaction_imr.codec.MAX_PIXELS`.
    """

    def __init__(self,
                 streams: Sequence[str] = DENSE_STREAMS,
                 target_short_side: Optional[int] = None,
                 on_error: str = 'skip',
                 max_pixels: Optional[int] = MAX_PIXELS) -> None:
        self.streams = check_streams(streams)
        if any(s not in DENSE_STREAMS for s in self.streams):
            raise ValueError(f'dense clips have the streams {DENSE_STREAMS},'
                             f' got {tuple(streams)!r}')
        if target_short_side is not None and target_short_side < 1:
            raise ValueError('target_short_side must be None or >= 1, got '
                             f'{target_short_side!r}')
        super().__init__(on_error)
        self.target_short_side = target_short_side
        self.max_pixels = max_pixels

    def _read(self, results: Dict):
        return read_dense_clip(results['filename'], results['clip_starts'],
                               clip_len=int(results['clip_len']),
                               streams=self.streams,
                               index=results['gop_index'],
                               target_short_side=self.target_short_side,
                               max_pixels=self.max_pixels)

    def _store(self, results: Dict, clip) -> Dict:
        _store_clip(results, clip, self.streams, kappa=1)
        results['img_shape'] = getattr(clip, self.streams[0]).shape[1:3]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(streams={self.streams}, '
                f'target_short_side={self.target_short_side}, '
                f'on_error={self.on_error!r}, max_pixels={self.max_pixels})')


@TRANSFORMS.register_module()
class PerView(BaseTransform):
    """Run a sub-pipeline on each view separately, with its own randomness.

    The streams (``[V*L, H, W, C]``, view-major, ``V = num_clips``) are cut
    into ``V`` views; each view goes through ``transforms`` as a results
    dict of its own (a copy of the metadata plus that view's streams), so a
    random crop, flip or colour jitter is drawn once per view and applied to
    all streams of that view alike (the ``Compressed*`` transforms treat the
    streams together). The views' streams are then concatenated back in
    view order.

    Required Keys:

        - imgs / motion_vectors / residuals (at least one; each a multiple
          of ``num_clips`` frames)
        - num_clips

    Modified Keys:

        - the streams present
        - img_shape (the views' common size, checked)

    Added Keys:

        - view_metas (``list[dict]``, one per view: the other keys its
          sub-pipeline added or replaced, e.g. ``crop_bbox``, ``flip``;
          other keys of ``results`` are left as they were)

    Args:
        transforms (list[dict | callable]): The per-view pipeline, e.g.
            ``CompressedMultiScaleCrop``, ``CompressedResize``,
            ``CompressedFlip``, ``ColorJitter``. It must end with the same
            ``(H, W)`` for every view.
    """

    def __init__(self, transforms: List) -> None:
        if not isinstance(transforms, (list, tuple)) or not transforms:
            raise TypeError('transforms must be a non-empty list of '
                            f'transforms, got {transforms!r}')
        # Built in mmaction's registry, so the sub-pipeline resolves names
        # as the outer pipeline does.
        self.transforms = Compose([
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in transforms
        ])

    def transform(self, results: Dict) -> Optional[Dict]:
        """Augment each view.

        Args:
            results (dict): The result dict.

        Returns:
            dict | None: The result dict; None when the sub-pipeline drops a
            view (as any transform may).
        """
        where = results.get('filename')
        where = f'{where}: ' if where is not None else ''
        num_views = int(results['num_clips'])
        keys = [k for k in STREAM_KEYS if results.get(k) is not None]
        if not keys:
            raise ValueError(f'{where}PerView found none of {STREAM_KEYS} '
                             'in the results')
        for key in keys:
            if len(results[key]) % num_views:
                raise ValueError(
                    f'{where}{key} has {len(results[key])} frames, not a '
                    f'multiple of num_clips={num_views} views')
        meta = {k: v for k, v in results.items() if k not in STREAM_KEYS}
        outs = []
        for v in range(num_views):
            view = copy.copy(meta)
            for key in keys:
                n = len(results[key]) // num_views
                view[key] = results[key][v * n:(v + 1) * n]
            view = self.transforms(view)
            if view is None:
                return None
            outs.append(view)
        shapes = [tuple(np.asarray(o[keys[0]]).shape[1:3]) for o in outs]
        if len(set(shapes)) > 1:
            raise ValueError(
                f'{where}PerView: the views end with different (H, W) '
                f'{shapes}; end the per-view transforms with a fixed size '
                '(e.g. CompressedResize(scale=(w, h), keep_ratio=False))')
        for key in keys:
            results[key] = np.concatenate([np.asarray(o[key]) for o in outs])
        results['img_shape'] = shapes[0]
        results['view_metas'] = [{
            k: val
            for k, val in o.items()
            if k not in STREAM_KEYS and k != 'img_shape' and (
                k not in meta or val is not meta[k])
        } for o in outs]
        return results

    def __repr__(self) -> str:
        inner = ', '.join(repr(t) for t in self.transforms)
        return f'{self.__class__.__name__}(transforms=[{inner}])'
