"""Training curves from mmengine's scalar log: losses per iteration,
validation metrics per epoch, several runs overlaid.

mmengine's ``LocalVisBackend`` appends one JSON object a line to
``<work_dir>/<timestamp>/vis_data/scalars.json`` each time a scalar is
logged:

- a training entry every ``LoggerHook.interval`` iterations:
  ``{"lr", "data_time", "grad_norm", "loss", "loss_cls", ..., "time",
  "epoch", "iter", "step"}`` (``step`` = ``iter``, each value the mean over
  the ``LogProcessor`` window);
- a validation entry after each validation: the metrics
  (``acc/top1``, ``pmsp/acc_mean``, ``ctp/acc``, ``retrieval/R@1``, ...),
  ``data_time``, ``time`` and ``step`` = the epoch (the iteration in
  iteration-based runs).

Test metrics are not in it (``tools/test.py`` writes them to
``<timestamp>/<timestamp>.json``).
"""
import glob
import json
import os.path as osp
from collections import OrderedDict
from fnmatch import fnmatchcase
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    'Curves', 'find_scalar_logs', 'read_scalar_log', 'read_curves',
    'run_names', 'select_keys', 'moving_average', 'curves_figure',
    'draw_curves'
]

SCALARS = 'scalars.json'
#: Keys of every entry that are not logged quantities.
_TRAIN_META = ('step', 'iter', 'epoch')
_VAL_META = ('step', 'data_time', 'time')
#: Inches per panel (at 100 dpi), and the rows above and below the panels
#: (title, legend).
PANEL_SIZE = (4.5, 3.2)
MARGINS = 1.0
MAX_COLUMNS = 3


class Curves(NamedTuple):
    """The logged scalars of one run, as series.

    Attributes:
        name: The run's name (its work dir's name).
        train: ``{key: [N, 2] array of (iteration, value)}``, by iteration.
        val: ``{key: [M, 2] array of (epoch, value)}``, by epoch (by
            iteration in iteration-based runs, see ``by_epoch``).
        logs_per_epoch: Training entries in the longest epoch (0 when the
            entries have no epoch): the default smoothing window.
        by_epoch: Whether the training entries count epochs, so that the
            validation steps are epochs.
    """
    name: str
    train: 'OrderedDict[str, np.ndarray]'
    val: 'OrderedDict[str, np.ndarray]'
    logs_per_epoch: int
    by_epoch: bool


def find_scalar_logs(path: str) -> List[str]:
    """The scalar logs of a path: the file itself, ``path/vis_data/
    scalars.json`` (a timestamp folder) or every ``path/*/vis_data/
    scalars.json`` (a work dir: one per start of the run, oldest first).

    Raises:
        ValueError: naming ``path``, when it is none of these.
    """
    if osp.isfile(path):
        return [path]
    if not osp.isdir(path):
        raise ValueError(f'{path}: no such file or folder')
    inner = osp.join(path, 'vis_data', SCALARS)
    if osp.isfile(inner):
        return [inner]
    # Timestamp folders (20261201_195149) sort in time order.
    found = sorted(glob.glob(osp.join(path, '*', 'vis_data', SCALARS)))
    if not found:
        raise ValueError(f'{path}: no {SCALARS} (looked for vis_data/'
                         f'{SCALARS} and */vis_data/{SCALARS})')
    return found


def read_scalar_log(path: str) -> Tuple[List[dict], List[dict]]:
    """The training and the validation entries of one scalar log.

    An entry with ``iter`` is a training entry, one without is a
    validation entry. A last line without its newline (a run still writing
    it) is left out if it is not JSON yet.

    Returns:
        tuple: ``(train entries, validation entries)``, in file order.

    Raises:
        ValueError: naming the file, when it cannot be read, is empty, has
            a line that is not a JSON object, or has no entry with a
            ``step``.
    """
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f'{path}: cannot read ({err})') from None
    lines = text.split('\n')
    partial = lines.pop() if lines else ''
    train, val = [], []
    for number, line in enumerate(lines + [partial], 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as err:
            if number == len(lines) + 1:
                continue  # the last line, being written
            raise ValueError(f'{path}: line {number} is not JSON ({err}); '
                             'expected mmengine\'s scalars.json (one JSON '
                             'object a line)') from None
        if not isinstance(entry, dict):
            raise ValueError(f'{path}: line {number} is not a JSON object')
        if 'step' not in entry:
            continue  # not a logged scalar (e.g. a test <timestamp>.json)
        (train if 'iter' in entry else val).append(entry)
    if not train and not val:
        what = 'empty' if not text.strip() else 'no entry with a "step"'
        raise ValueError(f'{path}: {what}; expected mmengine\'s scalars.json '
                         '(nothing logged yet?)')
    return train, val


def _series(entries: Sequence[dict], meta: Sequence[str]
            ) -> 'OrderedDict[str, np.ndarray]':
    """``{key: [N, 2] (step, value)}`` of the numeric keys, in log order."""
    series: 'OrderedDict[str, list]' = OrderedDict()
    for entry in entries:
        for key, value in entry.items():
            if key in meta or isinstance(value, bool) or \
                    not isinstance(value, (int, float)):
                continue
            series.setdefault(key, []).append((entry['step'], value))
    return OrderedDict((k, np.asarray(v, dtype=np.float64).reshape(-1, 2))
                       for k, v in series.items())


def _by_step(entries: Sequence[Sequence[dict]]) -> List[dict]:
    """The entries of the logs in order, a later log's entry replacing an
    earlier one at the same step (a resumed run repeats the steps after its
    checkpoint), sorted by step."""
    merged: Dict[float, dict] = {}
    for log in entries:
        for entry in log:
            merged[entry['step']] = entry
    return [merged[step] for step in sorted(merged)]


def read_curves(path: str, name: Optional[str] = None) -> Curves:
    """The curves of one run: a work dir, a timestamp folder or a scalar
    log (see :func:`find_scalar_logs`). The logs of a resumed run are
    joined, the later one winning where they overlap.

    Args:
        path: The run.
        name: Its name; default: the work dir's name (:func:`run_names`).

    Raises:
        ValueError: naming the file or folder that cannot be used.
    """
    logs = [read_scalar_log(p) for p in find_scalar_logs(path)]
    train = _by_step([t for t, _ in logs])
    val = _by_step([v for _, v in logs])
    epochs: Dict[int, int] = {}
    for entry in train:
        if 'epoch' in entry:
            epochs[entry['epoch']] = epochs.get(entry['epoch'], 0) + 1
    return Curves(
        name=name or run_names([path])[0],
        train=_series(train, _TRAIN_META),
        val=_series(val, _VAL_META),
        logs_per_epoch=max(epochs.values(), default=0),
        by_epoch=bool(epochs) or not train)


def _run_path(path: str) -> str:
    """The work dir of a run path (a file elsewhere: itself, without its
    extension)."""
    path = osp.abspath(path)
    if osp.isfile(path):
        folder = osp.dirname(path)
        if osp.basename(folder) != 'vis_data':
            return osp.splitext(path)[0]
        path = osp.dirname(folder)  # the timestamp folder
    if osp.isfile(osp.join(path, 'vis_data', SCALARS)):
        path = osp.dirname(path)
    return path


def run_names(paths: Sequence[str]) -> List[str]:
    """Names of runs for a legend: their work dirs' names (``work_dirs/sup``
    and ``work_dirs/sup/20261201_195149/vis_data/scalars.json`` are
    ``sup``), with as many parent folders as it takes to tell them apart
    (``seed0/train``, ``seed1/train``)."""
    parts = [_run_path(p).strip(osp.sep).split(osp.sep) for p in paths]
    for depth in range(1, max(map(len, parts), default=1) + 1):
        names = ['/'.join(p[-depth:]) for p in parts]
        if len(set(names)) == len(names):
            return names
    # The same run given twice.
    return [f'{p[-1]} ({i})' for i, p in enumerate(parts, 1)]


def select_keys(runs: Sequence[Curves],
                patterns: Optional[Sequence[str]] = None
                ) -> List[Tuple[str, str]]:
    """The panels to draw: ``[(split, key)]`` with ``split`` ``'train'`` or
    ``'val'``, in log order (first run first).

    Args:
        runs: The runs.
        patterns: Keys or ``fnmatch`` patterns (``loss*``, ``pmsp/*``),
            matched against the training keys first, then the validation
            keys. Default: every training key that starts with ``loss`` and
            every validation metric.

    Raises:
        ValueError: when a pattern matches no key of any run (the message
            lists the keys there are), or nothing is selected.
    """
    train = list(OrderedDict.fromkeys(k for r in runs for k in r.train))
    val = list(OrderedDict.fromkeys(k for r in runs for k in r.val))
    if patterns is None:
        chosen = [('train', k) for k in train if k.startswith('loss')]
        chosen += [('val', k) for k in val]
    else:
        chosen = []
        for pattern in patterns:
            hits = [('train', k) for k in train if fnmatchcase(k, pattern)]
            hits = hits or [('val', k) for k in val
                            if fnmatchcase(k, pattern)]
            if not hits:
                raise ValueError(
                    f'no run logged {pattern!r}; training keys: '
                    f'{" ".join(train) or "none"}; validation keys: '
                    f'{" ".join(val) or "none"}')
            chosen += [hit for hit in hits if hit not in chosen]
    if not chosen:
        raise ValueError('nothing to draw: no loss and no validation metric '
                         'was logged (pass --keys)')
    return chosen


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean of the last ``window`` values (fewer at the start), so
    the result has the input's length and never looks ahead.

    Args:
        values: ``[N]`` values.
        window: Number of values averaged, >= 1.
    """
    if window < 1:
        raise ValueError(f'window must be >= 1, got {window}')
    values = np.asarray(values, dtype=np.float64)
    sums = np.cumsum(np.concatenate([[0.0], values]))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def default_window(run: Curves) -> int:
    """One epoch of training logs (1/20 of them without epochs)."""
    if run.logs_per_epoch:
        return run.logs_per_epoch
    longest = max((len(s) for s in run.train.values()), default=0)
    return max(1, longest // 20)


def curves_figure(runs: Sequence[Curves],
                  keys: Sequence[Tuple[str, str]],
                  title: Optional[str] = None,
                  smooth: Optional[int] = None):
    """One panel per key, the runs overlaid in one colour each.

    A training key is drawn per iteration: the logged values thin and
    faint, their moving average (:func:`moving_average`) over them (a
    learning rate, a key ending in ``lr``, as logged: a schedule is not
    noise). A validation metric is drawn per epoch, one dot per
    validation. The panels are ``fig.axes`` in the order of ``keys``; each
    run's lines are in the order of ``runs`` (training: logged, then
    averaged).

    Args:
        runs: The runs, as :func:`read_curves` returns them.
        keys: ``[(split, key)]`` as :func:`select_keys` returns them.
        title: Drawn above the panels; default: the run's name, or the
            runs' names.
        smooth: Moving-average window in logged values; 1 draws the logged
            values only; default: one epoch of logs of each run
            (:func:`default_window`).

    Returns:
        matplotlib.figure.Figure: ``columns * 4.5`` by ``rows * 3.2 + 1.0``
        inches at 100 dpi, at most 3 columns (no pyplot state to close).
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    if not runs:
        raise ValueError('no run to draw')
    if not keys:
        raise ValueError('no key to draw')
    if smooth is not None and smooth < 1:
        raise ValueError(f'smooth must be >= 1, got {smooth}')
    cols = min(len(keys), MAX_COLUMNS)
    rows = -(-len(keys) // cols)
    fig = Figure(figsize=(PANEL_SIZE[0] * cols,
                          PANEL_SIZE[1] * rows + MARGINS), dpi=100,
                 layout='constrained')
    FigureCanvasAgg(fig)
    cmap = matplotlib.colormaps['tab10']
    smoothed = False
    for i, (split, key) in enumerate(keys):
        ax = fig.add_subplot(rows, cols, i + 1)
        for r, run in enumerate(runs):
            series = getattr(run, split).get(key)
            if series is None:
                continue
            colour = cmap(r % 10)
            x, y = series[:, 0], series[:, 1]
            if split == 'val':
                ax.plot(x, y, '-o', color=colour, markersize=3, lw=1.4)
                continue
            window = 1 if key.endswith('lr') else \
                smooth or default_window(run)
            if window > 1:
                ax.plot(x, y, color=colour, lw=0.8, alpha=0.35)
                ax.plot(x, moving_average(y, window), color=colour, lw=1.6)
                smoothed = True
            else:
                ax.plot(x, y, color=colour, lw=1.2)
        if split == 'val':
            ax.set_xlabel('epoch' if all(r.by_epoch for r in runs)
                          else 'iteration')
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f'{key} (validation)', fontsize=10)
        else:
            ax.set_xlabel('iteration')
            ax.set_title(key, fontsize=10)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
    handles = [Line2D([], [], color=cmap(r % 10), lw=2, label=run.name)
               for r, run in enumerate(runs)]
    if smoothed:
        what = f'{smooth} logs' if smooth else 'one epoch of logs'
        handles += [
            Line2D([], [], color='grey', lw=0.8, alpha=0.6,
                   label='logged (training)'),
            Line2D([], [], color='grey', lw=1.6,
                   label=f'moving average over {what}')
        ]
    fig.legend(handles=handles, loc='outside lower center', fontsize=8,
               ncol=min(len(handles), 2 * cols), frameon=False)
    if title is None:
        names = [run.name for run in runs]
        title = ' vs '.join(names) if len(names) <= 3 else \
            f'{len(names)} runs'
    fig.suptitle(title)
    return fig


def draw_curves(runs: Sequence[Curves],
                keys: Sequence[Tuple[str, str]],
                title: Optional[str] = None,
                smooth: Optional[int] = None) -> np.ndarray:
    """:func:`curves_figure`, rendered.

    Returns:
        np.ndarray: RGB ``uint8`` of shape ``[H, W, 3]``:
        ``H = 100 * (rows * 3.2 + 1.0)``, ``W = 100 * columns * 4.5``.
    """
    fig = curves_figure(runs, keys, title=title, smooth=smooth)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
