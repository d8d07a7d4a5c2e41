"""Record the checkpoints a run writes, so that exactly those are trusted."""
import os
import os.path as osp
import tempfile
import time
from typing import Dict, Optional, Tuple

from mmengine.dist import master_only
from mmengine.hooks import Hook

from mmaction.registry import HOOKS

from ..checkpoint import record_checkpoint

__all__ = ['CheckpointManifestHook']


@HOOKS.register_module()
class CheckpointManifestHook(Hook):
    """Add every checkpoint the ``CheckpointHook`` saves to the keyed
    manifest beside it (:func:`~mmaction_imr.engine.checkpoint.
    record_checkpoint`).

    That manifest is what makes ``--resume`` and ``tools/test.py`` load the
    run's own full-pickle checkpoints without ``--trust-checkpoint``, with
    any tool (mmaction2's own included), while a file the run did not write
    stays untrusted wherever it lies.

    The checkpoints are the ones ``CheckpointHook`` reports in the message
    hub (``last_ckpt``, ``best_ckpt``, ``best_ckpt_<metric>``) right after
    saving; this hook runs after it (lowest priority) at the same points.
    Only files written after the run started are recorded, and only by the
    main process (the one that saves).
    """

    priority = 'LOWEST'  # after CheckpointHook (VERY_LOW) has saved

    def __init__(self) -> None:
        self._seen: Dict[str, Tuple[int, int]] = {}
        self._start_ns = time.time_ns()

    def before_run(self, runner) -> None:
        # Only files written from now on are this run's: a resumed run's
        # message hub also names the checkpoints of the run it resumes.
        self._start_ns = self._fs_now(getattr(runner, 'work_dir', None))

    @staticmethod
    def _fs_now(folder: Optional[str]) -> int:
        """Now, on the clock that stamps the files in ``folder``.

        The kernel stamps files with a coarse clock (one tick, ~4 ms,
        behind ``time.time_ns()``), and a network file system with the
        server's clock, which may be seconds off: a checkpoint saved just
        after a ``time.time_ns()`` start could look older than the run. The
        mtime of a file written there now is on the checkpoints' clock.
        """
        if folder and osp.isdir(folder):
            try:
                with tempfile.NamedTemporaryFile(dir=folder,
                                                 prefix='.run_start') as f:
                    return os.fstat(f.fileno()).st_mtime_ns
            except OSError:
                pass  # read-only folder: the checkpoints cannot land there
        return time.time_ns()

    @master_only
    def _record_new(self, runner) -> None:
        for key, path in runner.message_hub.runtime_info.items():
            if not (key == 'last_ckpt' or key.startswith('best_ckpt')):
                continue
            if not isinstance(path, str) or not osp.isfile(path):
                continue
            stat = osp.getsize(path), os.stat(path).st_mtime_ns
            if stat[1] >= self._start_ns and self._seen.get(path) != stat:
                record_checkpoint(path)
                self._seen[path] = stat

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        self._record_new(runner)

    def after_train_epoch(self, runner) -> None:
        self._record_new(runner)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._record_new(runner)

