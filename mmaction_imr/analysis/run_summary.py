"""The figures of one pipeline run, gathered from the metric files its steps
wrote (behind ``tools/analysis/summarize_run.py``, used by
``tools/quickstart.sh``).

A step's metrics are JSON files in the run folder: ``tools/test.py``'s
metrics kept under one name (``{"finetune": {"acc/top1": ...}}``, see
``tools/lib/steps.sh`` ``keep_metrics``) and ``tools/retrieval.py --json``
(``{"metrics": {"retrieval/R@1": ...}}``). :data:`FIGURES` maps each
figure of the summary to its file and key: the file names are those every
toy script gives its steps (``tools/lib/steps.sh``: ``test_step DIR CFG
NAME`` writes ``NAME.json``), so the same summary reads a quickstart run
folder or one seed folder of ``reproduce_toy_table3.sh``. Pure Python.
"""
import json
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

__all__ = ['FIGURES', 'MAIN_JOB', 'collect_figures', 'format_figures']

# summary section -> figure -> (file in the run folder, key path in it)
FIGURES: 'OrderedDict[str, OrderedDict[str, Tuple[str, str]]]' = OrderedDict(
    pretext=OrderedDict(
        pmsp_mean=('pretext.json', 'pretext/pmsp/acc_mean'),
        ctp=('pretext.json', 'pretext/ctp/acc')),
    finetune=OrderedDict(top1=('finetune.json', 'finetune/acc/top1')),
    scratch=OrderedDict(top1=('scratch.json', 'scratch/acc/top1')),
    linear=OrderedDict(top1=('linear.json', 'linear/acc/top1')),
    retrieval=OrderedDict(
        (f'r@{k}', ('retrieval.json', f'metrics/retrieval/R@{k}'))
        for k in (1, 5, 10)),
    # the supervised model on every labelled clip (quickstart --supervised)
    supervised=OrderedDict(top1=('supervised.json', 'supervised/acc/top1')))

# the sections of tools/quickstart.sh's main job
MAIN_JOB = ('pretext', 'finetune', 'scratch', 'linear', 'retrieval')

_LABELS = {
    'pretext': 'pretext accuracy (val clips)',
    'finetune': 'fine-tuned top-1 (3 crops)',
    'scratch': 'from scratch top-1 (3 crops)',
    'linear': 'linear probe top-1',
    'retrieval': 'retrieval',
    'supervised': 'supervised top-1 (3 crops)',
}


def _lookup(obj: Mapping, path: str) -> Optional[float]:
    """``obj['a']['b/c']`` for ``'a/b/c'``: the first part is the file's
    top-level key, the rest the metric name (which contains ``/``)."""
    head, _, rest = path.partition('/')
    inner = obj.get(head)
    if not isinstance(inner, Mapping):
        return None
    value = inner.get(rest)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def collect_figures(root: str, sections: Sequence[str] = MAIN_JOB
                    ) -> Tuple[Dict[str, Dict[str, float]], List[str]]:
    """The figures of ``sections`` (names of :data:`FIGURES`) of the run
    in ``root``.

    Returns:
        tuple: ``(figures, missing)``: ``figures[section][name]`` for every
        figure whose file and key exist, and the names (``section.name``)
        of those that do not (a step not run, e.g. the scratch baseline).

    Raises:
        ValueError: an unknown section, or a metric file that exists is not
            JSON (names the file).
    """
    unknown = [x for x in sections if x not in FIGURES]
    if unknown:
        raise ValueError(f'unknown sections {unknown}; known: {list(FIGURES)}')
    figures: Dict[str, Dict[str, float]] = OrderedDict()
    missing: List[str] = []
    cache: Dict[str, Optional[Mapping]] = {}
    for section in sections:
        for name, (fname, key) in FIGURES[section].items():
            path = osp.join(root, fname)
            if path not in cache:
                cache[path] = None
                if osp.isfile(path):
                    with open(path) as f:
                        try:
                            cache[path] = json.load(f)
                        except json.JSONDecodeError as err:
                            raise ValueError(
                                f'{path}: not JSON ({err})') from None
            value = None if cache[path] is None else _lookup(cache[path], key)
            if value is None:
                missing.append(f'{section}.{name}')
            else:
                figures.setdefault(section, OrderedDict())[name] = value
    return figures, missing


def format_figures(figures: Mapping[str, Mapping[str, float]]) -> str:
    """A Markdown table of the figures, in %."""
    lines = ['| figure | value (%) |', '| --- | --- |']
    for section, entries in figures.items():
        for name, value in entries.items():
            label = _LABELS.get(section, section)
            if section == 'pretext':
                label = f'{label}: {name}'
            elif section == 'retrieval':
                label = f'{label} {name.upper()}'
            lines.append(f'| {label} | {100 * value:.1f} |')
    return '\n'.join(lines)
