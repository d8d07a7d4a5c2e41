"""Video features from a trained backbone, for retrieval (and probing).

Model-agnostic: the model is whatever a config builds (an ``MMRecognizer3D``
or ``IMRSelfSup`` around ``IMRResNet3d``, a plain mmaction2 ``Recognizer3D``
around any registered backbone, ...), as long as it has a data
preprocessor and a backbone attribute. The feature of a clip is the
backbone's output globally average-pooled, before any head or projection:

- a backbone with several outputs (``IMRResNet3d``: one map per pathway)
  gives one feature per output, named after its stream for ``IMRResNet3d``
  (``imgs``, ``motion_vectors``, ``residuals``), after its stream for
  ``StreamBackbones`` (e.g. ``rgb``, ``mv``), else ``pathway0``, ...; and
  their concatenation, ``embedding`` (R18: 512 + 32 + 32), which is what a
  classification head sees;
- a backbone with one output gives ``embedding`` only.

A video's feature is the mean of its clips' features (all views that its
pipeline makes: clips at a stride, crops).
"""
import sys
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar

from mmaction.registry import MODELS
from mmaction_imr.engine.checkpoint import trust_checkpoints
from mmaction_imr.models.backbones import IMRResNet3d, StreamBackbones
from mmaction_imr.models.backbones.stream_backbones import load_prefixed
from .retrieval_metric import EMBEDDING

__all__ = [
    'VideoFeatures', 'build_feature_model', 'load_backbone', 'pool_features',
    'extract_features'
]

Inputs = Union[Dict[str, List[torch.Tensor]], List[torch.Tensor]]


@dataclass
class VideoFeatures:
    """Per-video features of a data set, in data set order.

    Attributes:
        features: ``{name: [N, D] float32}``, ``embedding`` first.
        labels: ``[N]`` int64 classes (``-1``: unlabelled).
        num_clips: ``[N]`` views averaged into each video's feature.
    """
    features: Dict[str, torch.Tensor]
    labels: torch.Tensor
    num_clips: Optional[torch.Tensor] = None

    def __len__(self) -> int:
        return len(self.labels)

    def data_samples(self, retrieval_set: str) -> List[Dict]:
        """One dict per video for ``VideoRetrievalRecall`` (through an
        mmengine ``Evaluator``), tagged with ``retrieval_set``."""
        return [
            dict(features={k: v[i] for k, v in self.features.items()},
                 gt_label=self.labels[i:i + 1], retrieval_set=retrieval_set)
            for i in range(len(self))
        ]


def load_backbone(model: nn.Module, checkpoint: str,
                  backbone: str = 'backbone', trust: bool = False) -> None:
    """Load the backbone weights of ``checkpoint`` into ``model.<backbone>``.

    Works for a training checkpoint of any model with that backbone (a
    self-supervised one: its pretext heads are ignored) and for the
    weights-only file of ``tools/convert_pretrained.py``. The backbone must
    match exactly (every key, every shape): features of a half-loaded
    backbone would be meaningless. The file goes through mmengine's loader,
    so the checkpoint trust policy applies
    (:mod:`mmaction_imr.engine.checkpoint`).

    Args:
        model: the built model.
        checkpoint: path of the checkpoint.
        backbone: attribute of ``model`` holding the backbone; its keys in
            the checkpoint start with ``'<backbone>.'``.
        trust: trust ``checkpoint`` for this call (``--trust-checkpoint``).

    Raises:
        ValueError: no ``<backbone>.`` keys, or missing, unexpected or
            misshapen backbone weights (the message names the file and
            the keys).
    """
    with trust_checkpoints([checkpoint] if trust else []):
        load_prefixed(getattr(model, backbone), checkpoint, f'{backbone}.',
                      f"the config's {backbone}")


def build_feature_model(cfg: Config, checkpoint: str,
                        backbone: str = 'backbone', trust: bool = False,
                        device: str = 'cpu') -> nn.Module:
    """Build ``cfg.model``, load its backbone from ``checkpoint``, eval mode.

    Nothing else is initialised or loaded (no ``init_cfg``): the heads are
    not used for features.
    """
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model = MODELS.build(cfg.model)
    if not hasattr(model, backbone):
        raise ValueError(f'{type(model).__name__} has no attribute '
                         f'{backbone!r} to take features from')
    load_backbone(model, checkpoint, backbone, trust)
    return model.to(device).eval()


def pool_features(outputs: Union[torch.Tensor, Sequence[torch.Tensor]],
                  names: Optional[Sequence[str]] = None
                  ) -> Dict[str, torch.Tensor]:
    """Global average pool of a backbone's output(s), named.

    Args:
        outputs: ``[N, C, ...]`` map, or a tuple of maps (one per pathway).
        names: names of the maps (e.g. the backbone's ``streams``); default
            ``pathway0``, ``pathway1``, ...

    Returns:
        ``{'embedding': [N, sum C]}`` and, for several maps, one ``[N, C_k]``
        entry per map.
    """
    maps = (outputs, ) if isinstance(outputs, torch.Tensor) else tuple(
        outputs)
    if not maps:
        raise ValueError('the backbone returned no feature map')
    # [N, C, T, H, W] (or [N, C, H, W], [N, C]) -> [N, C]
    pooled = [m.flatten(2).mean(2) if m.dim() > 2 else m for m in maps]
    feats = {EMBEDDING: torch.cat(pooled, 1)}
    if len(pooled) > 1:
        if names is None or len(names) != len(pooled):
            names = [f'pathway{i}' for i in range(len(pooled))]
        feats.update(zip(names, pooled))
    return feats


def _fold_clips(inputs: Inputs) -> Tuple[Inputs, List[int]]:
    """Split each sample's ``[M_i, ...]`` views into ``M_i`` samples of one
    view, so that videos with different numbers of clips share a batch."""
    per_stream = inputs.values() if isinstance(inputs, Mapping) else [inputs]
    counts = None
    for tensors in per_stream:
        c = [int(x.shape[0]) for x in tensors]
        if counts is not None and c != counts:
            raise ValueError(f'the streams of a batch have different numbers '
                             f'of views: {counts} vs {c}')
        counts = c

    def split(tensors):
        return [clip[None] for x in tensors for clip in x]

    if isinstance(inputs, Mapping):
        return {k: split(v) for k, v in inputs.items()}, counts
    return split(inputs), counts


@torch.no_grad()
def extract_features(model: nn.Module, dataloader,
                     backbone: str = 'backbone',
                     progress: bool = True) -> VideoFeatures:
    """Features of every video of ``dataloader``, averaged over its views.

    Args:
        model: a model with ``data_preprocessor`` and ``<backbone>``, e.g.
            from :func:`build_feature_model` (put in eval mode here).
        dataloader: yields mmengine batches (``inputs``: a dict of per-stream
            lists, or a list, of ``[M_i, C, T, H, W]`` tensors;
            ``data_samples`` with ``gt_label``). ``M_i`` may differ between
            videos (:class:`~mmaction_imr.datasets.transforms.
            DenseSampleGOPs`).
        backbone: attribute of ``model`` holding the backbone.
        progress: show a progress bar (mmengine's, on stderr).

    Returns:
        :class:`VideoFeatures`.
    """
    model.eval()
    net = getattr(model, backbone)
    # one output per pathway (IMR) or per stream (StreamBackbones), in
    # the order of their names
    names = (net.streams if isinstance(net, (IMRResNet3d, StreamBackbones))
             else None)
    # stderr: stdout may carry a machine-readable result (--json)
    bar = ProgressBar(len(dataloader.dataset),
                      file=sys.stderr) if progress else None
    chunks: Dict[str, List[torch.Tensor]] = {}
    labels, num_clips = [], []
    for batch in dataloader:
        samples = batch['data_samples']
        inputs, counts = _fold_clips(batch['inputs'])
        data = model.data_preprocessor(
            dict(inputs=inputs, data_samples=samples), False)
        x = data['inputs']
        # [sum M_i, 1, C, T, H, W] -> [sum M_i, C, T, H, W]
        if isinstance(x, Mapping):
            out = net(**{k: v.flatten(0, 1) for k, v in x.items()})
        else:
            out = net(x.flatten(0, 1))
        clip_feats = pool_features(out, names)
        for name, f in clip_feats.items():
            videos = [c.mean(0) for c in f.float().cpu().split(counts)]
            chunks.setdefault(name, []).append(torch.stack(videos))
        for ds in samples:
            label = ds.gt_label if 'gt_label' in ds else torch.tensor([-1])
            labels.append(int(torch.as_tensor(label).reshape(-1)[0]))
        num_clips += counts
        if bar is not None:
            for _ in samples:
                bar.update()
    if not labels:
        raise ValueError('the data loader yielded no video')
    return VideoFeatures(
        features={k: torch.cat(v) for k, v in chunks.items()},
        labels=torch.tensor(labels, dtype=torch.int64),
        num_clips=torch.tensor(num_clips, dtype=torch.int64))
