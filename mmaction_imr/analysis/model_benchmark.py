"""Time and memory of IMRNet against mmaction2's models on the same 2 s.

Used by ``tools/analysis/benchmark_model.py``. Each model is one of
mmaction2's registered recognizers (built from config dicts, fresh weights,
nothing downloaded) or IMRNet from its config; the figures are for one clip
covering the same 2 seconds of video at ``size x size`` pixels:

==============  =========================================================
IMR R18 / R50   5 I-frames + 25 P-frames (motion vectors, residuals), the
                5 GOPs of 12 frames of a 2 s clip at 30 fps
R(2+1)D-18      32 RGB frames (``32x2x1`` sampling: every 2nd frame)
I3D-R50         32 RGB frames
SlowFast-R50    32 RGB frames (``4x16x1``: the slow path reads 4)
TSN-R50         8 RGB segments (``1x1x8``)
==============  =========================================================

Per model and batch size: forward time per clip (eval mode, no grad),
forward+backward time per clip (train mode, ``sum`` of the logits as the
loss), peak memory above the pre-run baseline (CUDA:
``torch.cuda.max_memory_allocated``; CPU: the process's resident set,
polled every millisecond while the model runs, so a fraction of a
millisecond peak can be missed), and multiply-adds per clip (mmengine's
``FlopAnalyzer``, as :mod:`.flops` counts them: one fused multiply-add = 1).
"""
import ctypes
import os
import threading
from collections import OrderedDict
from typing import Callable, Dict, Optional, Sequence, Tuple

import torch
import torch.nn as nn

from ..streams import STREAMS, check_streams
from .timing import median_seconds

__all__ = [
    'MODEL_NAMES', 'PeakMemory', 'benchmark_model', 'build_benchmark_model',
    'clip_inputs'
]

#: The RGB models' frames over the 2 s clip.
RGB_FRAMES = 32
TSN_SEGMENTS = 8
#: IMRNet's clip: GOPs and P-frames per GOP.
IMR_GOPS, IMR_KAPPA = 5, 5


def _bn3d():
    return dict(type='BN3d', requires_grad=True)


def _recognizer3d(backbone: dict, head: dict) -> dict:
    return dict(type='Recognizer3D', backbone=backbone, cls_head=head)


def _mmaction_models(num_classes: int) -> Dict[str, dict]:
    """mmaction2's ``configs/_base_/models`` settings, no pretrained."""
    head3d = dict(type='I3DHead', num_classes=num_classes,
                  spatial_type='avg', dropout_ratio=0.5, init_std=0.01,
                  average_clips='prob')
    return OrderedDict([
        ('r2plus1d_r18', _recognizer3d(
            dict(type='ResNet2Plus1d', depth=18, pretrained=None,
                 pretrained2d=False, norm_eval=False,
                 conv_cfg=dict(type='Conv2plus1d'),
                 norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
                 conv1_kernel=(3, 7, 7), conv1_stride_t=1,
                 pool1_stride_t=1, inflate=(1, 1, 1, 1),
                 spatial_strides=(1, 2, 2, 2), temporal_strides=(1, 2, 2, 2),
                 zero_init_residual=False),
            dict(head3d, in_channels=512))),
        ('i3d_r50', _recognizer3d(
            dict(type='ResNet3d', depth=50, pretrained=None,
                 pretrained2d=False, conv1_kernel=(5, 7, 7),
                 conv1_stride_t=2, pool1_stride_t=2,
                 conv_cfg=dict(type='Conv3d'), norm_cfg=_bn3d(),
                 norm_eval=False,
                 inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0),
                          (0, 1, 0)), zero_init_residual=False),
            dict(head3d, in_channels=2048))),
        ('slowfast_r50', _recognizer3d(
            dict(type='ResNet3dSlowFast', pretrained=None, resample_rate=8,
                 speed_ratio=8, channel_ratio=8,
                 slow_pathway=dict(type='resnet3d', depth=50,
                                   pretrained=None, lateral=True,
                                   conv1_kernel=(1, 7, 7),
                                   dilations=(1, 1, 1, 1), conv1_stride_t=1,
                                   pool1_stride_t=1, inflate=(0, 0, 1, 1),
                                   norm_eval=False),
                 fast_pathway=dict(type='resnet3d', depth=50,
                                   pretrained=None, lateral=False,
                                   base_channels=8, conv1_kernel=(5, 7, 7),
                                   conv1_stride_t=1, pool1_stride_t=1,
                                   norm_eval=False)),
            dict(type='SlowFastHead', in_channels=2304,
                 num_classes=num_classes, spatial_type='avg',
                 dropout_ratio=0.5, average_clips='prob'))),
        ('tsn_r50', dict(
            type='Recognizer2D',
            backbone=dict(type='ResNet', depth=50, pretrained=None,
                          norm_eval=False),
            cls_head=dict(type='TSNHead', num_classes=num_classes,
                          in_channels=2048, spatial_type='avg',
                          consensus=dict(type='AvgConsensus', dim=1),
                          dropout_ratio=0.4, init_std=0.01,
                          average_clips='prob'))),
    ])


#: Model names of :func:`build_benchmark_model`, in table order.
MODEL_NAMES = ('imr_r18', 'imr_r50', 'r2plus1d_r18', 'i3d_r50',
               'slowfast_r50', 'tsn_r50')


class _OneClip(nn.Module):
    """backbone + cls_head with positional tensor inputs (timing, tracing)."""

    def __init__(self, model: nn.Module, kind: str,
                 streams: Sequence[str] = ()) -> None:
        super().__init__()
        self.backbone = model.backbone
        self.cls_head = model.cls_head
        self.kind = kind
        self.streams = tuple(streams)

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        if self.kind == 'imr':
            feats = self.backbone(**dict(zip(self.streams, xs)))
            return self.cls_head(feats)
        if self.kind == '2d':
            return self.cls_head(self.backbone(xs[0]),
                                 num_segs=TSN_SEGMENTS)
        return self.cls_head(self.backbone(xs[0]))


def build_benchmark_model(name: str, imr_configs: Dict[str, str],
                          num_classes: int = 400) -> Tuple[nn.Module, str,
                                                           Tuple[str, ...]]:
    """One model of :data:`MODEL_NAMES` as ``(module, kind, streams)``.

    Args:
        name: A name of :data:`MODEL_NAMES`.
        imr_configs: ``{'imr_r18': path, 'imr_r50': path}`` model configs of
            IMRNet (the repository's ``configs/_base_/models/imr_r*.py``).
        num_classes: Classes of every head (400: Kinetics).

    Returns:
        The ``backbone + cls_head`` module (fresh weights), its input kind
        (``'imr'``, ``'3d'``, ``'2d'``) and, for IMRNet, its stream keys.

    Raises:
        ValueError: an unknown name.
    """
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from mmaction.registry import MODELS
    if name not in MODEL_NAMES:
        raise ValueError(f'unknown model {name!r}; choose from '
                         f'{MODEL_NAMES}')
    if name.startswith('imr_'):
        cfg = Config.fromfile(imr_configs[name]).model
        cfg.cls_head.num_classes = num_classes
        streams = check_streams(cfg.backbone.get('streams'),
                                'backbone.streams')
        kind = 'imr'
    else:
        cfg = _mmaction_models(num_classes)[name]
        streams = ()
        kind = '2d' if cfg['type'] == 'Recognizer2D' else '3d'
    # The nested data preprocessor is looked up in the default scope.
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(cfg)
    return _OneClip(model, kind, streams), kind, streams


def clip_inputs(kind: str, batch: int, size: int,
                streams: Sequence[str] = ()) -> Tuple[torch.Tensor, ...]:
    """Random inputs of ``batch`` clips covering 2 s at ``size x size``.

    IMRNet: one ``[B, C, T or T*kappa, size, size]`` tensor per stream (5
    GOPs, kappa 5); 3D models ``[B, 3, 32, size, size]``; TSN
    ``[B * 8, 3, size, size]``.
    """
    if kind == 'imr':
        return tuple(
            torch.randn(batch, STREAMS[s].channels,
                        STREAMS[s].frames(IMR_GOPS, IMR_KAPPA), size, size)
            for s in streams)
    if kind == '2d':
        return (torch.randn(batch * TSN_SEGMENTS, 3, size, size), )
    return (torch.randn(batch, 3, RGB_FRAMES, size, size), )


def frames_read(kind: str, streams: Sequence[str] = ()) -> int:
    """Frames one clip of the model reads (for per-frame figures)."""
    if kind == 'imr':
        return IMR_GOPS * (1 if 'imgs' in streams else 0) + IMR_GOPS * (
            IMR_KAPPA if any(STREAMS[s].per_pframe for s in streams) else 0)
    return TSN_SEGMENTS if kind == '2d' else RGB_FRAMES


def _malloc_trim() -> None:
    """Give the C heap's free memory back to the OS (glibc), so that memory
    freed by an earlier run is not reused unseen by the next one."""
    try:
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _rss_bytes() -> int:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


class PeakMemory:
    """Peak memory above the level at entry, in bytes (``.peak``).

    CUDA: ``torch.cuda.max_memory_allocated`` (tensors only). CPU: the
    process's resident set size, read from ``/proc/self/statm`` every
    ``interval`` seconds by a thread (torch ops release the GIL, so it
    runs during them), after handing the C heap's free memory back to the
    OS (``malloc_trim``: otherwise memory freed by a warm-up run is reused
    without the resident set growing); 0 where ``/proc`` does not exist.
    """

    def __init__(self, device: torch.device, interval: float = 1e-3):
        self.device = torch.device(device)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def __enter__(self) -> 'PeakMemory':
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self._base = torch.cuda.memory_allocated(self.device)
        elif os.path.exists('/proc/self/statm'):
            _malloc_trim()
            self._base = _rss_bytes()
            self._max = self._base
            self._thread = threading.Thread(target=self._poll, daemon=True)
            self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            self._max = max(self._max, _rss_bytes())

    def __exit__(self, *exc) -> None:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            self.peak = (torch.cuda.max_memory_allocated(self.device) -
                         self._base)
        elif self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._max = max(self._max, _rss_bytes())
            self.peak = self._max - self._base


def count_macs(module: nn.Module, inputs: Tuple[torch.Tensor, ...]) -> int:
    """Multiply-adds of one forward pass (mmengine ``FlopAnalyzer``)."""
    from mmengine.analysis import FlopAnalyzer
    analyzer = FlopAnalyzer(module.eval(), inputs)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    with torch.no_grad():
        return int(analyzer.total())


def benchmark_model(module: nn.Module,
                    kind: str,
                    streams: Sequence[str] = (),
                    batch_sizes: Sequence[int] = (1, 8),
                    size: int = 224,
                    repeats: int = 5,
                    device: str = 'cpu',
                    flops: bool = True) -> Dict:
    """Forward / forward+backward seconds per clip and peak memory.

    Args:
        module: From :func:`build_benchmark_model`.
        kind: Its input kind.
        streams: Its stream keys (IMRNet).
        batch_sizes: Clips per batch to measure.
        size: Input height and width in pixels.
        repeats: Timed runs (median, after one warm-up).
        device: ``'cpu'`` or ``'cuda[:i]'``.
        flops: Also count multiply-adds of one clip.

    Returns:
        dict with ``params``, ``macs`` (per clip, or None), ``frames``
        (read per clip) and ``batches``: ``{batch: {'forward', 'train'
        (seconds per clip), 'forward_peak', 'train_peak' (bytes)}}``.
    """
    device = torch.device(device)
    module = module.to(device)
    sync: Callable[[], None] = (
        (lambda: torch.cuda.synchronize(device)) if device.type == 'cuda'
        else (lambda: None))
    out = dict(params=sum(p.numel() for p in module.parameters()),
               frames=frames_read(kind, streams), macs=None, batches={})
    if flops:
        out['macs'] = count_macs(
            module, tuple(x.to(device)
                          for x in clip_inputs(kind, 1, size, streams)))
    for batch in batch_sizes:
        xs = tuple(x.to(device)
                   for x in clip_inputs(kind, batch, size, streams))

        def forward():
            with torch.no_grad():
                module(*xs)
            sync()

        def train():
            module.zero_grad(set_to_none=True)
            module(*xs).float().sum().backward()
            sync()

        row = {}
        for mode, fn, training in (('forward', forward, False),
                                   ('train', train, True)):
            module.train(training)
            fn()  # allocator warm-up outside the memory window
            with PeakMemory(device) as mem:
                fn()
            row[f'{mode}_peak'] = mem.peak
            row[mode] = median_seconds(fn, repeats) / batch
        module.zero_grad(set_to_none=True)
        out['batches'][batch] = row
    module.eval()
    return out
