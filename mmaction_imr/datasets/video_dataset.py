"""mmaction2's ``VideoDataset`` with checked annotations and counted skips.

:class:`CompressedVideoDataset` reads the same annotation files as
mmaction2's ``VideoDataset`` (``<video> <label>`` per line) and adds what a
long run on videos from the wild needs:

- every line is checked when the data set is built; all problems come back
  as one ``ValueError`` naming the file, the line numbers and the problems
  (:func:`parse_annotations`), instead of an ``IndexError`` in the loss
  many iterations later;
- the label maps of the flips in its pipeline are checked against its
  classes (:func:`~mmaction_imr.datasets.transforms.check_flip_label_map`);
- samples skipped by ``on_error='skip'`` transforms (unreadable videos) are
  counted across DataLoader workers and epochs, and the run stops with one
  clear error once more than ``max_skip_ratio`` of the fetched samples
  failed (mmengine alone refetches up to 1000 times per sample and then
  raises a generic error). ``SkippedSamplesHook`` logs the total at each
  epoch end.
"""
import os.path as osp
import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmaction.datasets import VideoDataset
from mmaction.datasets.transforms.processing import Flip
from mmaction.registry import DATASETS
from mmengine.fileio import exists, list_from_file

from .transforms.processing import CompressedFlip, check_flip_label_map

__all__ = ['CompressedVideoDataset', 'parse_annotations', 'UNLABELLED']

#: The label of a clip without one (mmaction2's convention for inference
#: lists; the synthetic set's ``unlabelled.txt``).
UNLABELLED = -1
_INT = re.compile(r'[+-]?\d+')
_MAX_REPORTED = 10  # problems quoted in one error; the rest are counted
# Rows of the shared skip counter: row 0 for the main process, one per
# DataLoader worker after it (workers beyond that share rows modulo).
_MAX_WORKERS = 64
# Fetches before the skip ratio is judged (or the data set's size when
# smaller): one bad video among the first few must not stop a run.
_SKIP_WINDOW = 100

Label = Union[int, List[int]]


class _SkipCounter:
    """``(fetched, skipped)`` counts in shared memory, one word per process.

    Each DataLoader worker writes only its own word (no lock, no lost
    counts); anyone reads the sum. Both counts of a process live in one
    int64 (fetched in the high 32 bits, skipped in the low 32), updated by
    one aligned 8-byte store, so a reader never sees a fetch without its
    skip. A deep copy (mmengine's ``Runner`` deep copies a data set object
    it is given) gets fresh shared memory, so the copy's workers still
    report to the copy.
    """

    _FETCH = 1 << 32

    def __init__(self, counts: Optional[torch.Tensor] = None) -> None:
        self.counts = torch.zeros(_MAX_WORKERS + 1, dtype=torch.int64)
        if counts is not None:
            self.counts.copy_(counts)
        self.counts.share_memory_()

    def __deepcopy__(self, memo) -> '_SkipCounter':
        return _SkipCounter(self.counts)

    def add(self, skipped: bool) -> None:
        info = torch.utils.data.get_worker_info()
        row = 0 if info is None else 1 + info.id % _MAX_WORKERS
        self.counts[row] += self._FETCH + int(skipped)

    def totals(self) -> Tuple[int, int]:
        words = self.counts.clone()
        fetched = int((words >> 32).sum())
        skipped = int((words & (self._FETCH - 1)).sum())
        return fetched, skipped


def _parse_label(text: str, num_classes: Optional[int]) -> Tuple[int, str]:
    """``(label, problem)``: one label field, problem '' when it is fine."""
    if not _INT.fullmatch(text):
        return 0, f'label {text!r} is not an integer'
    label = int(text)
    if label == UNLABELLED:
        return label, ''
    if label < 0:
        return label, (f'negative label {label} (only {UNLABELLED} is '
                       'allowed, on every line of an unlabelled list)')
    if num_classes is not None and label >= num_classes:
        return label, f'label {label} >= num_classes={num_classes}'
    return label, ''


def parse_annotations(
        lines: Sequence[str],
        ann_file: str = '<annotations>',
        delimiter: str = ' ',
        multi_class: bool = False,
        num_classes: Optional[int] = None) -> List[Tuple[str, Label]]:
    """Parse and check the lines of a ``VideoDataset`` annotation file.

    A line is ``<video><delimiter><label>`` (``<video>`` then one or more
    labels with ``multi_class=True``). A list is either labelled (every
    label an integer in ``0 .. num_classes - 1``) or unlabelled (every line
    ``<video> -1`` or just ``<video>``, mmaction2's convention for lists
    without labels, read as label -1). Everything else is a problem: a
    blank line, a missing label in a labelled list, a label that is not an
    integer, negative, ``>= num_classes``, or a line with more fields than
    expected (a file name containing the delimiter).

    Args:
        lines: The file's lines, without line ends.
        ann_file: The file's name, for the error message.
        delimiter: Field separator, as ``VideoDataset``'s.
        multi_class: Several labels per line.
        num_classes: Number of classes; None skips the upper bound
            (required with ``multi_class``).

    Returns:
        ``(video, label)`` per line; ``label`` is a list with
        ``multi_class``.

    Raises:
        ValueError: one error for all problems, naming the file, the line
            numbers (1-based) and the problems.
    """
    if multi_class and num_classes is None:
        raise ValueError(f'{ann_file}: multi_class=True needs num_classes')
    entries: List[Tuple[str, Label]] = []
    problems: List[Tuple[int, str]] = []
    unlabelled: List[Tuple[int, str]] = []  # problems only in a labelled list
    for lineno, line in enumerate(lines, 1):
        text = line.strip()
        if not text:
            problems.append((lineno, 'blank line'))
            continue
        fields = text.split(delimiter)
        video, label_fields = fields[0], fields[1:]
        if not label_fields:
            unlabelled.append((lineno, f'missing label after {video!r}'))
            entries.append((video, [] if multi_class else UNLABELLED))
            continue
        if not multi_class and len(label_fields) > 1:
            problems.append(
                (lineno,
                 (f'{len(fields)} fields, expected "<video>{delimiter}<label>"'
                  ' (a file name containing the delimiter?)')))
            continue
        labels = []
        for field in label_fields:
            label, problem = _parse_label(field, num_classes)
            if problem:
                problems.append((lineno, problem))
            elif label == UNLABELLED:
                unlabelled.append(
                    (lineno, f'label {UNLABELLED} (unlabelled) in a list '
                     'with labels'))
            labels.append(label)
        entries.append((video, labels if multi_class else labels[0]))
    labelled = any(
        (max(label, default=UNLABELLED) if multi_class else label) >= 0
        for _, label in entries)
    if labelled:
        problems = sorted(problems + unlabelled)
    if problems:
        shown = '\n'.join(f'  line {n}: {p}'
                          for n, p in problems[:_MAX_REPORTED])
        more = len(problems) - _MAX_REPORTED
        more = f'\n  ... and {more} more' if more > 0 else ''
        bound = (f'0 .. {num_classes - 1}'
                 if num_classes is not None else 'an integer >= 0')
        raise ValueError(
            f'{ann_file}: {len(problems)} bad line(s) in the annotation '
            f'file:\n{shown}{more}\nEach line is "<video>{delimiter}<label>"'
            f' with a label in {bound} (or {UNLABELLED} on every line of an '
            'unlabelled list).')
    return entries


@DATASETS.register_module()
class CompressedVideoDataset(VideoDataset):
    """``VideoDataset`` that checks its annotations and counts its skips.

    Same arguments and annotation format as mmaction2's ``VideoDataset``
    (see :func:`parse_annotations` for what is checked), plus
    ``max_skip_ratio``. When built, it also checks the ``flip_label_map``
    of every ``CompressedFlip`` / ``Flip`` in its pipeline against its
    classes: ``num_classes`` when given, else the labels of the file
    (``0 .. max label``). Set ``num_classes`` (as the model's head) so that
    a label the head does not have is caught too.

    Skipped samples: a training pipeline with ``on_error='skip'`` returns
    None for an unreadable video and mmengine fetches another sample. Each
    fetch and each skip is counted in a small shared-memory table (one row
    per DataLoader worker, so no locks and no lost counts) that the main
    process reads (:meth:`skip_counts`; logged per epoch by
    ``SkippedSamplesHook``). The run stops with a ``RuntimeError`` naming
    the file list, the counts and the last reason once the skips exceed
    ``max_skip_ratio`` of ``max(fetches, min(len(self), 100))`` (counted
    since the data set was built, so over all epochs): an all-bad list stops
    after a handful of fetches, a few bad videos in a large set never stop
    a run.

    Args:
        ann_file (str): The annotation file.
        pipeline (list[dict | callable]): The transforms.
        max_skip_ratio (float): Largest tolerated fraction of skipped
            fetches, in ``[0, 1]``: 0 stops at the first unreadable video,
            1 never stops (mmengine's ``max_refetch`` still applies).
            Defaults to 0.1.
        **kwargs: ``VideoDataset``'s other arguments (``data_prefix``,
            ``num_classes``, ``multi_class``, ``delimiter``, ``test_mode``,
            ``indices``, ...).
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[dict, Callable]],
                 max_skip_ratio: float = 0.1,
                 **kwargs) -> None:
        if not 0 <= max_skip_ratio <= 1:
            raise ValueError(f'max_skip_ratio must be in [0, 1], got '
                             f'{max_skip_ratio}')
        self.max_skip_ratio = float(max_skip_ratio)
        self._skips = _SkipCounter()
        super().__init__(ann_file, pipeline=pipeline, **kwargs)

    def load_data_list(self) -> List[Dict]:
        """Read and check the annotation file, then the flips' label maps.

        Returns:
            list[dict]: ``dict(filename=..., label=...)`` per line.

        Raises:
            ValueError: bad lines (all of them in one error), or a flip's
                label map naming labels outside the data set.
        """
        exists(self.ann_file)
        entries = parse_annotations(list_from_file(self.ann_file),
                                    self.ann_file, self.delimiter,
                                    self.multi_class, self.num_classes)
        self._check_flips(entries)
        prefix = self.data_prefix['video']
        return [
            dict(filename=video if prefix is None else osp.join(prefix, video),
                 label=label) for video, label in entries
        ]

    def _check_flips(self, entries: List[Tuple[str, Label]]) -> None:
        num_classes = self.num_classes
        if num_classes is None:
            seen = [
                max(lb, default=UNLABELLED) if self.multi_class else lb
                for _, lb in entries
            ]
            if max(seen, default=UNLABELLED) < 0:
                return  # unlabelled: a label map changes nothing
            num_classes = max(seen) + 1
        for transform in self.pipeline.transforms:
            if isinstance(transform, (CompressedFlip, Flip)):
                try:
                    check_flip_label_map(transform.flip_label_map, num_classes)
                except ValueError as err:
                    where = ('num_classes' if self.num_classes is not None else
                             'the labels of the file')
                    raise ValueError(
                        f'{self.ann_file}: {type(transform).__name__}: {err} '
                        f'(classes from {where})') from None

    def prepare_data(self, idx: int) -> Optional[Dict]:
        """Run the pipeline on sample ``idx``; count it (training).

        Returns:
            dict | None: the pipeline's output, None for a skipped sample.

        Raises:
            RuntimeError: more than ``max_skip_ratio`` of the fetches
                failed.
        """
        results = self.get_data_info(idx)
        data = self.pipeline(results)
        if not self.test_mode:
            self._count(skipped=data is None, results=results)
        return data

    def _count(self, skipped: bool, results: Dict) -> None:
        self._skips.add(skipped)
        if not skipped:
            return
        fetched, num_skipped = self.skip_counts()
        window = min(len(self), _SKIP_WINDOW)
        if num_skipped > self.max_skip_ratio * max(fetched, window):
            reason = results.get('skip_reason', 'the pipeline returned None')
            raise RuntimeError(
                f'{self.ann_file}: {num_skipped} of the {fetched} samples '
                'fetched so far could not be loaded, more than '
                f'max_skip_ratio={self.max_skip_ratio}; the last: {reason}. '
                'Check the videos and data_prefix, or raise the data set\'s '
                'max_skip_ratio.')

    def skip_counts(self) -> Tuple[int, int]:
        """``(fetched, skipped)`` samples since the data set was built.

        Sums over the main process and every DataLoader worker of this
        process (not over distributed ranks).
        """
        return self._skips.totals()
