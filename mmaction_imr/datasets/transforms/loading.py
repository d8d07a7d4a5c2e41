"""Load compressed videos: Init (index GOPs) / Sample (GOPs) / Decode.

Thin registered wrappers around :mod:`mmaction_imr.codec`, in the style of
mmaction's ``DecordInit`` / ``SampleFrames`` / ``DecordDecode``.

Bad videos (:class:`~mmaction_imr.codec.CompressedVideoError`): with
``on_error='skip'`` (training) ``CompressedVideoInit`` and
``CompressedVideoDecode`` return None, so mmengine's ``BaseDataset`` fetches
another sample, and log a warning naming the file, the reason and the
running count of skipped samples (per process); with ``on_error='raise'``
(use it in val/test pipelines: mmengine refuses None at test time with a
message that does not name the file) the error propagates.
"""
from typing import Dict, Optional, Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import MMLogger

from mmaction.registry import TRANSFORMS
from mmaction_imr.codec import CompressedVideoError, index_gops, read_clip

__all__ = ['CompressedVideoInit', 'SampleGOPs', 'CompressedVideoDecode']

_ON_ERROR = ('skip', 'raise')
# Results keys -> read_clip stream names.
_STREAM_NAMES = {'imgs': 'iframes', 'motion_vectors': 'motion_vectors',
                 'residuals': 'residuals'}
_skipped = 0


def _skip(err: CompressedVideoError) -> None:
    """Log a skipped sample with the running count; the caller returns None."""
    global _skipped
    _skipped += 1
    MMLogger.get_current_instance().warning(
        f'skipping unreadable video {err.filename}: {err.reason} '
        f'({_skipped} sample(s) skipped so far in this process)')


def _check_on_error(on_error: str) -> str:
    if on_error not in _ON_ERROR:
        raise ValueError(f'on_error must be one of {_ON_ERROR}, '
                         f'got {on_error!r}')
    return on_error


@TRANSFORMS.register_module()
class CompressedVideoInit(BaseTransform):
    """Index the GOPs of a video (one demux pass, no decoding).

    Required Keys:

        - filename

    Added Keys:

        - gop_index (:class:`~mmaction_imr.codec.GopIndex`)
        - total_gops
        - total_frames

    Args:
        virtual_gop (None | str | int): None for the file's real GOPs (one
            per keyframe), ``K`` for virtual GOPs of ``K`` frames whose first
            frame plays the I-frame (videos from the wild: H.264, B-frames,
            GOPs of 250), ``'auto'`` for real GOPs when the file has no
            B-frames and GOPs of at most 24 frames, else virtual GOPs of 12.
            Defaults to ``'auto'``.
        on_error (str): ``'skip'`` (return None and log a warning) or
            ``'raise'`` for unreadable videos. Defaults to ``'skip'``.
    """

    def __init__(self,
                 virtual_gop: Union[None, str, int] = 'auto',
                 on_error: str = 'skip') -> None:
        if not (virtual_gop is None or virtual_gop == 'auto' or
                (isinstance(virtual_gop, int) and virtual_gop >= 2)):
            raise ValueError("virtual_gop must be None, 'auto' or an int "
                             f'>= 2, got {virtual_gop!r}')
        self.virtual_gop = virtual_gop
        self.on_error = _check_on_error(on_error)

    def transform(self, results: Dict) -> Optional[Dict]:
        """Index the video's GOPs.

        Args:
            results (dict): The result dict.

        Returns:
            dict | None: The result dict, None for a skipped bad video.
        """
        try:
            index = index_gops(results['filename'], self.virtual_gop)
        except CompressedVideoError as err:
            if self.on_error == 'raise':
                raise
            _skip(err)
            return None
        results['gop_index'] = index
        results['total_gops'] = index.num_gops
        results['total_frames'] = index.total_frames
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(virtual_gop={self.virtual_gop!r}, '
                f'on_error={self.on_error!r})')


@TRANSFORMS.register_module()
class SampleGOPs(BaseTransform):
    """Choose clips of ``clip_len`` consecutive GOPs.

    Training: ``num_clips`` clips, each starting at a random GOP. Testing:
    ``num_clips`` clips evenly spaced over the video (one clip: the centre),
    the same rule as mmaction's ``SampleFrames`` in test mode. A video with
    fewer GOPs than ``clip_len`` loops its GOP indices (``0, 1, 2, 0, 1`` for
    3 GOPs and ``clip_len=5``), like ``SampleFrames(out_of_bound_opt='loop')``.

    Required Keys:

        - total_gops

    Added Keys:

        - gop_inds (np.int64, ``[num_clips * clip_len]``, clip-major)
        - clip_len
        - num_clips

    Args:
        clip_len (int): GOPs per clip (T). Defaults to 5.
        num_clips (int): Clips per video. Defaults to 1.
        test_mode (bool): Deterministic evenly spaced clips. Defaults to
            False.
    """

    def __init__(self,
                 clip_len: int = 5,
                 num_clips: int = 1,
                 test_mode: bool = False) -> None:
        if clip_len < 1 or num_clips < 1:
            raise ValueError(f'clip_len and num_clips must be >= 1, got '
                             f'{clip_len}, {num_clips}')
        self.clip_len = clip_len
        self.num_clips = num_clips
        self.test_mode = test_mode

    def _starts(self, total_gops: int) -> np.ndarray:
        room = total_gops - self.clip_len  # last possible start
        if room <= 0:
            return np.zeros(self.num_clips, np.int64)
        if self.test_mode:
            interval = (room + 1) / self.num_clips
            return (np.arange(self.num_clips) * interval +
                    interval / 2).astype(np.int64)
        return np.sort(np.random.randint(0, room + 1, self.num_clips))

    def transform(self, results: Dict) -> Dict:
        """Sample the GOP indices.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        total = int(results['total_gops'])
        starts = self._starts(total)
        inds = (starts[:, None] + np.arange(self.clip_len)[None]) % total
        results['gop_inds'] = inds.reshape(-1).astype(np.int64)
        results['clip_len'] = self.clip_len
        results['num_clips'] = self.num_clips
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'num_clips={self.num_clips}, test_mode={self.test_mode})')


@TRANSFORMS.register_module()
class CompressedVideoDecode(BaseTransform):
    """Decode I-frames, motion vectors and residuals of the sampled GOPs.

    One sequential decoding pass (:func:`mmaction_imr.codec.read_clip`); the
    motion-vector convention is DESIGN.md section 2 (forward, prev -> cur,
    pixels per frame; with ``accumulate=True`` pixels since the GOP's
    I-frame). Frame order: clip-major, then GOP, then P-frame in the GOP.

    Required Keys:

        - filename
        - gop_index
        - gop_inds

    Added Keys:

        - imgs (``[num_clips*T, H, W, 3]`` uint8 RGB I-frames)
        - motion_vectors (``[num_clips*T*kappa, H, W, 2]`` float32)
        - residuals (``[num_clips*T*kappa, H, W, 3]`` float32, signed RGB)
        - frame_inds (``[num_clips*T*(1+kappa)]`` int64: each GOP's I-frame
          then its kappa P-frames, display indices)
        - pict_types (``[num_clips*T*(1+kappa)]`` str, ``'I'``/``'P'``/``'B'``
          of those frames, for analysis)
        - kappa
        - original_shape
        - img_shape

    Removed Keys:

        - gop_index

    Args:
        kappa (int): P-frames per GOP. Defaults to 5.
        accumulate (bool): Accumulated MVs/residuals traced back to the
            I-frame (CoViAR) instead of raw ones. Defaults to False.
        streams (Sequence[str]): Keys to produce, a subset of ``('imgs',
            'motion_vectors', 'residuals')``. Defaults to all three.
        on_error (str): ``'skip'`` (return None, log a warning) or
            ``'raise'`` for unreadable videos. Defaults to ``'skip'``.
    """

    def __init__(self,
                 kappa: int = 5,
                 accumulate: bool = False,
                 streams: Sequence[str] = ('imgs', 'motion_vectors',
                                           'residuals'),
                 on_error: str = 'skip') -> None:
        unknown = set(streams) - set(_STREAM_NAMES)
        if unknown or not streams:
            raise ValueError(f'streams must be a non-empty subset of '
                             f'{tuple(_STREAM_NAMES)}, got {streams!r}')
        if kappa < 1:
            raise ValueError(f'kappa must be >= 1, got {kappa}')
        self.kappa = kappa
        self.accumulate = accumulate
        self.streams = tuple(streams)
        self.on_error = _check_on_error(on_error)

    def transform(self, results: Dict) -> Optional[Dict]:
        """Decode the clip.

        Args:
            results (dict): The result dict.

        Returns:
            dict | None: The result dict, None for a skipped bad video.
        """
        try:
            clip = read_clip(results['filename'], results['gop_inds'],
                             kappa=self.kappa, accumulate=self.accumulate,
                             streams=[_STREAM_NAMES[s] for s in self.streams],
                             index=results['gop_index'])
        except CompressedVideoError as err:
            if self.on_error == 'raise':
                raise
            _skip(err)
            return None
        if 'imgs' in self.streams:
            results['imgs'] = clip.iframes
        if 'motion_vectors' in self.streams:
            results['motion_vectors'] = clip.motion_vectors
        if 'residuals' in self.streams:
            results['residuals'] = clip.residuals
        results['frame_inds'] = clip.frame_inds
        results['pict_types'] = clip.pict_types
        results['kappa'] = self.kappa
        shape = results['gop_index'].height, results['gop_index'].width
        results['original_shape'] = shape
        results['img_shape'] = shape
        results.pop('gop_index')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(kappa={self.kappa}, '
                f'accumulate={self.accumulate}, streams={self.streams}, '
                f'on_error={self.on_error!r})')
