"""Log, at each training epoch end, how many samples were skipped."""
from typing import List, Tuple

import torch
from mmengine.dataset import ClassBalancedDataset, RepeatDataset
from mmengine.dist import all_reduce
from mmengine.hooks import Hook
from torch.utils.data import ConcatDataset, Dataset, Subset

from mmaction.registry import HOOKS
from ...datasets import CompressedVideoDataset

__all__ = ['SkippedSamplesHook', 'compressed_datasets']


def compressed_datasets(dataset: Dataset) -> List[CompressedVideoDataset]:
    """The :class:`CompressedVideoDataset` s inside a (wrapped) data set.

    Looks through mmengine's ``ConcatDataset``, ``RepeatDataset`` and
    ``ClassBalancedDataset`` and torch's ``ConcatDataset`` and ``Subset``.
    """
    if isinstance(dataset, CompressedVideoDataset):
        return [dataset]
    if isinstance(dataset, ConcatDataset):
        return [
            d for inner in dataset.datasets for d in compressed_datasets(inner)
        ]
    if isinstance(dataset, (RepeatDataset, ClassBalancedDataset, Subset)):
        return compressed_datasets(dataset.dataset)
    return []


@HOOKS.register_module()
class SkippedSamplesHook(Hook):
    """One log line per training epoch: samples skipped (unreadable videos).

    Reads the counters of the :class:`CompressedVideoDataset` s of the
    training loader (shared with its DataLoader workers) and sums them over
    the distributed ranks, e.g.::

        epoch 3: 2 of 130 sample fetches skipped (unreadable videos),
        6 since the start of training

    The counters themselves, and the stop when too many samples fail, are
    the data set's (``max_skip_ratio``). Nothing is logged for a loader
    without a ``CompressedVideoDataset``.
    """

    priority = 'BELOW_NORMAL'

    def __init__(self) -> None:
        self._last: Tuple[int, int] = (0, 0)

    def before_train(self, runner) -> None:
        self._last = self._totals(runner)

    def after_train_epoch(self, runner) -> None:
        if not compressed_datasets(runner.train_dataloader.dataset):
            return
        fetched, skipped = self._totals(runner)
        epoch_fetched = fetched - self._last[0]
        epoch_skipped = skipped - self._last[1]
        self._last = fetched, skipped
        runner.logger.info(
            f'epoch {runner.epoch + 1}: {epoch_skipped} of {epoch_fetched} '
            'sample fetches skipped (unreadable videos), '
            f'{skipped} since the start of training')

    @staticmethod
    def _totals(runner) -> Tuple[int, int]:
        """``(fetched, skipped)`` over the loader's data sets and ranks."""
        counts = torch.zeros(2, dtype=torch.int64)
        for dataset in compressed_datasets(runner.train_dataloader.dataset):
            counts += torch.tensor(dataset.skip_counts())
        all_reduce(counts)  # a no-op outside distributed runs
        fetched, skipped = counts.tolist()
        return int(fetched), int(skipped)
