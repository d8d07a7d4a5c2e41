"""Accuracy of the pretext tasks (PMSP per level, CTP, Rotation, AOT)."""
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmaction.registry import METRICS
from mmaction_imr.pretext.pmsp import (DEFAULT_SPATIAL, DEFAULT_TEMPORAL,
                                       pmsp_levels)

__all__ = ['PretextAccuracy', 'CLASSIFICATION_PRETEXTS']

#: Clip-level pretexts scored as one class per clip and view: the model's
#: ``predict`` sets ``pred_{name}`` and ``gt_{name}``, reported as
#: ``{name}/acc``.
CLASSIFICATION_PRETEXTS = ('ctp', 'rotation', 'aot')


def _to_numpy(x) -> np.ndarray:
    return x.detach().cpu().numpy() if hasattr(x, 'detach') else np.asarray(x)


@METRICS.register_module()
class PretextAccuracy(BaseMetric):
    """Pretext accuracies from the ``predict`` outputs of ``IMRSelfSup``,
    ``IMRRotationSelfSup`` and ``IMRAOTSelfSup``.

    Reports (all in [0, 1], over every clip and view):

    - ``pmsp/acc_mean``: mean of the level accuracies (each level weighs
      the same, whatever its number of positions). The first key, so
      ``save_best='auto'`` keeps the best PMSP checkpoint (CTP-only models:
      ``ctp/acc``).
    - ``ctp/acc``: CTP accuracy; chance ``1 / len(ctp_types)`` (0.25; 0.5
      for CTP(Binary)).
    - ``rotation/acc`` (chance 0.25), ``aot/acc`` (chance 0.5): the
      baseline pretexts (:data:`CLASSIFICATION_PRETEXTS`), after ``ctp/acc``.
    - ``pmsp/acc_s{s}_t{t}``: accuracy of level (s, t), mean over its ``t``
      temporal positions. Chance (uniform guess) is ``1 / s**2``: 0.25,
      0.111, 0.0625; the majority label 0 of still windows can score more.

    Args:
        spatial (Sequence[int]): the PMSP head's grid sizes. Defaults to
            (2, 3, 4).
        temporal (Sequence[int]): its temporal scales. Defaults to (1, 3, 5).
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): metric name prefix.
    """
    default_prefix: Optional[str] = None

    def __init__(self,
                 spatial: Sequence[int] = DEFAULT_SPATIAL,
                 temporal: Sequence[int] = DEFAULT_TEMPORAL,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.levels = pmsp_levels(max(temporal), spatial, temporal)

    def process(self, data_batch: Any, data_samples: Sequence[Dict]) -> None:
        """Keep per clip the correct / incorrect flags of each prediction."""
        for ds in data_samples:
            result = {}
            if 'pred_pmsp' in ds:
                pred, gt = _to_numpy(ds['pred_pmsp']), _to_numpy(ds['gt_pmsp'])
                if pred.shape[-1] != len(self.levels):
                    raise ValueError(
                        f'pred_pmsp has {pred.shape[-1]} columns, the metric '
                        f'was built for {len(self.levels)} (check spatial / '
                        'temporal against the PMSP head)')
                result['pmsp'] = (pred == gt).reshape(-1, len(self.levels))
            for name in CLASSIFICATION_PRETEXTS:
                if f'pred_{name}' in ds:
                    result[name] = (_to_numpy(ds[f'pred_{name}']) ==
                                    _to_numpy(ds[f'gt_{name}'])).reshape(-1)
            if not result:
                raise ValueError(
                    'PretextAccuracy found neither pred_pmsp nor any of ' +
                    ', '.join(f'pred_{n}' for n in CLASSIFICATION_PRETEXTS) +
                    ' in a data sample (is the model a self-supervised IMR '
                    'model?)')
            self.results.append(result)

    def compute_metrics(self, results: List[Dict]) -> Dict[str, float]:
        # Summary first: CheckpointHook(save_best='auto') ranks by the first
        # key, and every key contains 'acc' so mmengine infers 'greater'.
        metrics = OrderedDict()
        levels = OrderedDict()
        pmsp = [r['pmsp'] for r in results if 'pmsp' in r]
        if pmsp:
            per_col = np.concatenate(pmsp).mean(0)  # [L]
            level_acc = OrderedDict()
            for lv, acc in zip(self.levels, per_col):
                level_acc.setdefault((lv.s, lv.t), []).append(acc)
            metrics['pmsp/acc_mean'] = float(
                np.mean([np.mean(v) for v in level_acc.values()]))
            # levels in (s, t) order: s2_t1, s2_t3, ..., s4_t5
            for s, t in sorted(level_acc):
                levels[f'pmsp/acc_s{s}_t{t}'] = float(np.mean(level_acc[s,
                                                                        t]))
        for name in CLASSIFICATION_PRETEXTS:
            flags = [r[name] for r in results if name in r]
            if flags:
                metrics[f'{name}/acc'] = float(np.concatenate(flags).mean())
        metrics.update(levels)
        return metrics
