"""Time the compressed-video loader against what a user would otherwise run.

Used by ``tools/analysis/benchmark_loader.py``. Every figure is the median
of ``repeats`` timed runs after one warm-up, single process, on the same
frames: the video's centre clip of ``clip_len`` GOPs (the test-mode choice
of ``SampleGOPs``; 5 GOPs of 12 frames = 60 frames = 2 s at 30 fps).

- :func:`bare_decode`: the floors, one PyAV decoding pass over the clip's
  frames with and without converting each to RGB (one reused
  ``VideoReformatter``, as the reader does).
- :func:`compare_loaders`: per clip and per frame, the floors; ours raw and
  accumulated, at the video's size and at the training resolution
  (``target_short_side``); mmaction2's RGB pipelines over the same span
  (``PyAVInit/PyAVDecode`` and ``DecordInit/DecordDecode``, 32 frames,
  ``Resize(-1, 256)`` and ``CenterCrop(224)``) and its
  ``PyAVDecodeMotionVector`` over the same 32 frames; optical flow between
  consecutive frames of the clip (OpenCV Farneback, and TV-L1 when
  ``cv2.optflow`` exists, i.e. opencv-contrib).
- :func:`loader_throughput`: clips per second through a torch
  ``DataLoader`` with 0, 1, 2 workers, our test pipeline vs the Decord RGB
  pipeline.
- :func:`benchmark_video` (one line: ours vs the bare decode) and
  :func:`time_transforms` (the transforms after ``CompressedVideoDecode``
  in a dataset config).

Importing this module needs numpy/PyAV/cv2 only; the mmaction2 parts import
mmengine/mmaction (and torch for the DataLoader) when called, and need the
components registered (``import mmaction_imr.register``).
"""
import copy
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from ..codec.errors import CompressedVideoError
from ..codec.gop import GopIndex, index_gops, open_video
from ..codec.reader import read_clip
from .timing import median_seconds

__all__ = [
    'PARTS', 'RGB_FRAMES', 'TVL1_FRAMES', 'bare_decode', 'benchmark_video',
    'centre_clip', 'compare_loaders', 'loader_throughput',
    'optical_flow_seconds', 'split_pipeline', 'time_transforms'
]

#: Groups of rows :func:`compare_loaders` can time (``'tvl1'`` apart from
#: ``'flow'`` (Farneback): it takes seconds per frame).
PARTS = ('decode', 'ours', 'mmaction', 'flow', 'tvl1')
#: Frames TV-L1 runs on (one field of it costs more than a whole clip of
#: everything else).
TVL1_FRAMES = 3
#: Frames mmaction2's RGB pipelines sample over the clip's span.
RGB_FRAMES = 32


def centre_clip(index: GopIndex, clip_len: int) -> Tuple[np.ndarray, int, int]:
    """``(gop_inds, first frame, last frame)`` of the centre clip."""
    room = max(index.num_gops - clip_len, 0)
    start = (room + 1) // 2 if room else 0
    gops = (start + np.arange(clip_len)) % index.num_gops
    first = int(index.gop_starts[gops[0]])
    last = int(index.gop_starts[gops[-1]] + index.gop_lengths[gops[-1]] - 1)
    return gops, first, max(last, first)


def bare_decode(filename: str, first: int, last: int, index: GopIndex,
                rgb: bool = True) -> int:
    """Decode frames ``first..last`` (display order), optionally to RGB.

    Seeks to the keyframe at or before ``first`` like the reader does;
    frames before ``first`` are decoded but not converted.

    Args:
        filename: Path of the video.
        first, last: Display indices of the span (inclusive).
        index: The video's :class:`GopIndex`.
        rgb: Convert each frame of the span to an RGB array.

    Returns:
        The number of frames of the span decoded.
    """
    container, stream = open_video(filename)
    fmt = VideoReformatter()
    try:
        k = int(index.keyframes[np.searchsorted(index.keyframes, first,
                                                'right') - 1])
        idx = 0
        if index.frame_pts is not None and k > 0:
            container.seek(int(index.frame_pts[k]), stream=stream,
                           backward=True, any_frame=False)
            idx = k
        n = 0
        for frame in container.decode(stream):
            if idx >= first:
                if rgb:
                    fmt.reformat(frame, format='rgb24').to_ndarray()
                n += 1
            if idx >= last:
                break
            idx += 1
        return n
    finally:
        container.close()


def _span_frames(filename: str, first: int, last: int) -> List[np.ndarray]:
    """RGB frames ``first..last`` (decoded from the start; not timed)."""
    container, stream = open_video(filename)
    try:
        out = []
        for i, frame in enumerate(container.decode(stream)):
            if i >= first:
                out.append(frame.to_ndarray(format='rgb24'))
            if i >= last:
                break
        return out
    finally:
        container.close()


def optical_flow_seconds(frames: Sequence[np.ndarray], method: str,
                         repeats: int) -> float:
    """Median seconds per frame of dense optical flow between neighbours.

    Args:
        frames: ``[N, H, W, 3]`` uint8 RGB frames (``N >= 2``); the flow of
            each of the ``N - 1`` consecutive pairs is computed.
        method: ``'farneback'`` (OpenCV's defaults of the two-frame
            benchmarks: pyr_scale 0.5, 3 levels, window 15, 3 iterations,
            poly_n 5, sigma 1.2) or ``'tvl1'`` (``cv2.optflow``).
        repeats: Timed runs over all pairs (median).

    Raises:
        ValueError: unknown method, fewer than 2 frames, or ``'tvl1'``
            without opencv-contrib.
    """
    if len(frames) < 2:
        raise ValueError('optical flow needs at least 2 frames')
    grey = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    if method == 'farneback':

        def one(a, b):
            cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)
    elif method == 'tvl1':
        if not hasattr(cv2, 'optflow'):
            raise ValueError('TV-L1 needs cv2.optflow (opencv-contrib)')
        tvl1 = cv2.optflow.DualTVL1OpticalFlow_create()

        def one(a, b):
            tvl1.calc(a, b, None)
    else:
        raise ValueError(f"method must be 'farneback' or 'tvl1', "
                         f'got {method!r}')

    def run():
        for a, b in zip(grey[:-1], grey[1:]):
            one(a, b)

    return median_seconds(run, repeats) / (len(grey) - 1)


def _rgb_pipeline(backend: str, frame_inds: np.ndarray,
                  motion_vectors: bool = False) -> Callable[[str], Dict]:
    """mmaction2's loading pipeline with fixed ``frame_inds`` (the sampling
    transform is replaced by the indices of our clip's span)."""
    from mmengine.dataset import Compose

    from mmaction.registry import TRANSFORMS
    decode = ('PyAVDecodeMotionVector' if motion_vectors else
              f'{backend}Decode')
    steps = [dict(type=decode)]
    if not motion_vectors:
        steps += [dict(type='Resize', scale=(-1, 256)),
                  dict(type='CenterCrop', crop_size=224)]
    init = TRANSFORMS.build(dict(type=f'{backend}Init'))
    rest = Compose([TRANSFORMS.build(s) for s in steps])

    def run(filename: str) -> Dict:
        results = init(dict(filename=filename))
        results.update(frame_inds=frame_inds.copy(), clip_len=len(frame_inds),
                       frame_interval=None, num_clips=1, start_index=0)
        return rest(results)

    return run


def compare_loaders(filename: str,
                    repeats: int = 5,
                    clip_len: int = 5,
                    kappa: int = 5,
                    target_short_side: int = 256,
                    parts: Sequence[str] = PARTS,
                    flow_frames: int = 8) -> Dict:
    """Seconds per clip and per frame of every loader, on one video.

    Args:
        filename: Path of the video.
        repeats: Timed runs per row (median, after one warm-up).
        clip_len: GOPs of the clip (T).
        kappa: P-frames per GOP.
        target_short_side: Short side of the training-resolution rows.
        parts: Which groups of rows to time, a subset of :data:`PARTS`.
        flow_frames: Consecutive frames of the clip Farneback runs on
            (its cost is per frame, so a few suffice); TV-L1 runs once on
            the first :data:`TVL1_FRAMES`.

    Returns:
        dict with ``video``, ``size`` (W, H), ``frames`` (of the clip's
        span), ``seconds`` (row name -> seconds per clip, or the reason the
        row could not run, a str), ``per_frame`` (row name -> seconds per
        frame of the span; for flow, per computed field),
        ``ratio_vs_decode`` (ours raw at the video's size over the bare
        decode + RGB) and ``flow_over_ours`` (Farneback per frame over ours
        raw per frame); the two ratios are None when their rows did not
        run.

    Raises:
        CompressedVideoError: the video cannot be indexed or decoded.
        ValueError: an unknown part.
    """
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f'unknown parts {sorted(unknown)}; choose from '
                         f'{PARTS}')
    index = index_gops(filename, 'auto')
    gops, first, last = centre_clip(index, clip_len)
    frames = last - first + 1
    rows: Dict[str, Callable[[], object]] = {}
    if 'decode' in parts:
        rows['pyav decode'] = lambda: bare_decode(filename, first, last,
                                                  index, rgb=False)
        rows['pyav decode+rgb'] = lambda: bare_decode(filename, first, last,
                                                      index)
    if 'ours' in parts:
        for acc in (False, True):
            for side in (None, target_short_side):
                name = 'ours {} {}'.format(
                    'accumulated' if acc else 'raw',
                    'native' if side is None else f'short{side}')
                rows[name] = (lambda acc=acc, side=side: read_clip(
                    filename, gops, kappa=kappa, accumulate=acc,
                    index=index_gops(filename, 'auto'),
                    target_short_side=side))
    if 'mmaction' in parts:
        inds = np.linspace(first, last, RGB_FRAMES).round().astype(np.int64)
        for name, backend, mv in (
                ('mmaction2 PyAVDecode 32f', 'PyAV', False),
                ('mmaction2 DecordDecode 32f', 'Decord', False),
                ('mmaction2 PyAVDecodeMotionVector 32f', 'PyAV', True)):
            try:
                pipe = _rgb_pipeline(backend, inds, mv)
            except Exception as e:  # noqa: BLE001 (a missing backend)
                rows[name] = f'unavailable ({type(e).__name__}: {e})'
                continue
            rows[name] = lambda pipe=pipe: pipe(filename)
    seconds: Dict[str, object] = {}
    for name, fn in rows.items():
        if isinstance(fn, str):
            seconds[name] = fn
            continue
        try:
            seconds[name] = median_seconds(fn, repeats)
        except CompressedVideoError:
            raise
        except Exception as e:  # noqa: BLE001 (an upstream loader failing)
            seconds[name] = f'failed ({type(e).__name__}: {e})'
    per_frame = {k: v / frames for k, v in seconds.items()
                 if isinstance(v, float)}
    span = (_span_frames(filename, first,
                         min(last, first + max(flow_frames, 2) - 1))
            if 'flow' in parts or 'tvl1' in parts else [])
    for method, n, runs in (('farneback', len(span), repeats),
                            ('tvl1', TVL1_FRAMES, 1)):
        if (method == 'farneback' and 'flow' not in parts) or (
                method == 'tvl1' and 'tvl1' not in parts):
            continue
        name = f'optical flow {method}'
        try:
            per_frame[name] = optical_flow_seconds(span[:n], method, runs)
            seconds[name] = per_frame[name] * frames
        except ValueError as e:
            seconds[name] = f'unavailable ({e})'

    def ratio(a, b):
        a, b = per_frame.get(a), per_frame.get(b)
        return None if a is None or b is None else a / b

    return dict(video=filename, size=(index.width, index.height),
                frames=frames, gop_inds=gops.tolist(),
                virtual_gop=index.virtual_gop, seconds=seconds,
                per_frame=per_frame,
                ratio_vs_decode=ratio('ours raw native', 'pyav decode+rgb'),
                flow_over_ours=ratio('optical flow farneback',
                                     'ours raw native'))


class _PipelineDataset:
    """``len(videos)`` items, each one video through a transform pipeline
    (a torch map-style dataset without the torch import at module level)."""

    def __init__(self, videos: Sequence[str], pipeline: Sequence[dict]):
        self.videos = list(videos)
        self.pipeline = list(pipeline)
        self._compose = None

    def __len__(self) -> int:
        return len(self.videos)

    def __getitem__(self, i: int) -> int:
        if self._compose is None:  # built in the worker that uses it
            from mmengine.dataset import Compose

            from mmaction.registry import TRANSFORMS
            self._compose = Compose(
                [TRANSFORMS.build(c) for c in self.pipeline])
        out = self._compose(
            dict(filename=self.videos[i], start_index=0, modality='RGB'))
        if out is None:
            raise CompressedVideoError(self.videos[i], 'skipped by the '
                                       'pipeline')
        return i


def _keep(batch):
    return batch


def _pipelines(clip_len: int, kappa: int) -> Dict[str, List[dict]]:
    """Ours (test mode) and the Decord RGB pipeline over the same 2 s."""
    frame_interval = max(1, round(clip_len * 12 / RGB_FRAMES))
    return {
        'ours':
        [dict(type='CompressedVideoInit', on_error='raise'),
         dict(type='SampleGOPs', clip_len=clip_len, test_mode=True),
         dict(type='CompressedVideoDecode', kappa=kappa, on_error='raise',
              target_short_side=256),
         dict(type='CompressedCenterCrop', crop_size=224)],
        'rgb': [dict(type='DecordInit'),
                dict(type='SampleFrames', clip_len=RGB_FRAMES,
                     frame_interval=frame_interval, num_clips=1,
                     test_mode=True),
                dict(type='DecordDecode'),
                dict(type='Resize', scale=(-1, 256)),
                dict(type='CenterCrop', crop_size=224)],
    }


def loader_throughput(videos: Sequence[str],
                      clips: int = 16,
                      workers: Sequence[int] = (0, 1, 2),
                      clip_len: int = 5,
                      kappa: int = 5) -> Dict[str, Dict[int, object]]:
    """Clips per second through a torch ``DataLoader``, ours vs RGB.

    Each item loads one video (cycling over ``videos``) through the
    pipeline: ours is ``CompressedVideoInit / SampleGOPs(test_mode) /
    CompressedVideoDecode(target_short_side=256) / CompressedCenterCrop
    (224)``, the RGB one ``DecordInit / SampleFrames(32 frames over the same
    2 s, test_mode) / DecordDecode / Resize(-1, 256) / CenterCrop(224)``.
    The clock starts when the first item arrives (worker start-up is not
    counted) and stops after the last.

    Args:
        videos: Paths of the videos.
        clips: Items per measurement (``>= 2``).
        workers: ``num_workers`` values to measure.
        clip_len: GOPs per clip of ours.
        kappa: P-frames per GOP of ours.

    Returns:
        ``{'ours' | 'rgb': {num_workers: clips per second, or the error a
        pipeline raised, a str}}``.
    """
    from mmengine.utils.dl_utils import set_multi_processing
    from torch.utils.data import DataLoader
    if clips < 2:
        raise ValueError(f'clips must be >= 2, got {clips}')
    # as mmengine's Runner does: OpenCV's own threads off, else a worker
    # forked while one of them holds a lock hangs in its first cv2 call
    set_multi_processing(distributed=False)
    items = [videos[i % len(videos)] for i in range(clips)]
    out: Dict[str, Dict[int, object]] = {}
    for name, pipeline in _pipelines(clip_len, kappa).items():
        out[name] = {}
        for n in workers:
            loader = DataLoader(_PipelineDataset(items, pipeline),
                                batch_size=1, num_workers=n,
                                collate_fn=_keep)
            try:
                it = iter(loader)
                next(it)
                t = time.perf_counter()
                done = sum(1 for _ in it)
            except Exception as e:  # noqa: BLE001 (an upstream loader)
                out[name][n] = f'failed ({type(e).__name__}: {e})'
                continue
            out[name][n] = done / (time.perf_counter() - t)
    return out


def benchmark_video(filename: str,
                    repeats: int = 5,
                    clip_len: int = 5,
                    kappa: int = 5,
                    accumulate: bool = False) -> Dict:
    """Median seconds per clip: ours vs the bare decode of the same frames.

    The clip is the video's centre clip of ``clip_len`` GOPs; ours includes
    indexing the GOPs. Runs are interleaved, so a change of machine load
    hits both sides alike.

    Returns:
        dict with ``ours``, ``bare`` (seconds), ``ratio`` (ours / bare),
        ``frames`` (decoded frames of the clip), ``gop_inds``, ``size``
        (W, H) and ``virtual_gop``.
    """
    index = index_gops(filename, 'auto')
    gops, first, last = centre_clip(index, clip_len)

    def ours():
        read_clip(filename, gops, kappa=kappa, accumulate=accumulate,
                  index=index_gops(filename, 'auto'))

    def bare():
        bare_decode(filename, first, last, index)

    times = {'ours': [], 'bare': []}
    ours(), bare()  # warm-up (file cache, codec init)
    for _ in range(repeats):
        for name, fn in (('ours', ours), ('bare', bare)):
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    result = {k: float(np.median(v)) for k, v in times.items()}
    result.update(ratio=result['ours'] / result['bare'],
                  frames=last - first + 1, gop_inds=gops.tolist(),
                  size=(index.width, index.height),
                  virtual_gop=index.virtual_gop)
    return result


def split_pipeline(pipeline: Sequence[dict]) -> Tuple[List[dict], List[dict]]:
    """``(loading transforms up to the decode, the ones after it)``.

    Packing (``PackActionInputs`` and its variants) is left out of the
    second list: it is bookkeeping, not image work.

    Raises:
        ValueError: the pipeline has no ``CompressedVideoDecode``.
    """
    types = [t['type'] for t in pipeline]
    if 'CompressedVideoDecode' not in types:
        raise ValueError('the pipeline has no CompressedVideoDecode')
    cut = types.index('CompressedVideoDecode') + 1
    return list(pipeline[:cut]), [
        t for t in pipeline[cut:] if 'PackActionInputs' not in t['type']
    ]


def time_transforms(video: str,
                    config: str,
                    repeats: int = 5,
                    target_short_side: Optional[int] = None
                    ) -> Dict[str, Tuple[float, List[str]]]:
    """Median seconds per clip of the transforms after the decode.

    Args:
        video: Path of the video.
        config: A dataset config with ``train_pipeline`` and
            ``test_pipeline``.
        repeats: Timed runs (after one warm-up); each starts from a copy of
            the decoded clip.
        target_short_side: Override the decode's ``target_short_side``
            (None: as the config says).

    Returns:
        ``{'train' | 'test': (seconds, [transform type names])}``.

    Raises:
        CompressedVideoError: the loading transforms could not decode the
            video.
        ValueError: a pipeline has no ``CompressedVideoDecode``.
    """
    from mmengine.config import Config
    from mmengine.dataset import Compose

    from mmaction.registry import TRANSFORMS

    def build(cfgs):
        return Compose([TRANSFORMS.build(c) for c in cfgs])

    cfg = Config.fromfile(config)
    out = {}
    for mode in ('train', 'test'):
        load, rest = split_pipeline(cfg[f'{mode}_pipeline'])
        if target_short_side is not None:
            load[-1] = dict(load[-1], target_short_side=target_short_side)
        decoded = build(load)(dict(filename=video))
        if decoded is None:  # on_error='skip' in the config
            raise CompressedVideoError(video, 'decoding failed')
        geometry = build(rest)
        geometry(copy.deepcopy(decoded))  # warm-up
        times = []
        for _ in range(repeats):
            results = copy.deepcopy(decoded)  # not timed
            t = time.perf_counter()
            geometry(results)
            times.append(time.perf_counter() - t)
        out[mode] = float(np.median(times)), [t['type'] for t in rest]
    return out
