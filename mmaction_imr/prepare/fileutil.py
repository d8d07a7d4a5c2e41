"""Atomic outputs, content hashes, progress reporting and a worker pool
that stops cleanly, shared by the data-preparation loops, and the
command-line pieces the data tools share (``--workers``, Ctrl-C).

Pure python (no mmengine); ``rich`` is imported only by
:func:`rich_progress`.
"""
import argparse
import hashlib
import multiprocessing as mp
import os
import os.path as osp
import re
import signal
import sys
from typing import (Callable, Dict, Iterable, Iterator, Optional, Sequence,
                    Tuple, TypeVar)

__all__ = [
    'partial_path', 'remove_stale_partials', 'parallel_imap', 'file_sha256',
    'digest_files', 'Progress', 'no_progress', 'rich_progress',
    'add_workers_arg', 'check_workers', 'run_resumable'
]

T = TypeVar('T')
R = TypeVar('R')

_PARTIAL = re.compile(r'^\..+\.partial-(\d+)\.\w+$')


def partial_path(path: str) -> str:
    """Where to write ``path`` before renaming it into place.

    ``dir/.name.partial-<pid>.<ext>``: hidden, same folder (so the rename is
    atomic), same extension (the container follows it), never matched by
    the tools' scans, and tagged with the writer's pid so a later run can
    tell a leftover of a killed process from a file being written now.
    """
    d, name = osp.split(path)
    return osp.join(d, f'.{name}.partial-{os.getpid()}{osp.splitext(name)[1]}')


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(root: str) -> int:
    """Delete the partial files under ``root`` whose writer is dead.

    Returns:
        How many were removed.
    """
    n = 0
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            m = _PARTIAL.match(name)
            if m and not _pid_alive(int(m.group(1))):
                os.remove(osp.join(dirpath, name))
                n += 1
    return n


def file_sha256(path: str, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes, read ``chunk`` bytes at a time."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk), b''):
            h.update(block)
    return h.hexdigest()


def digest_files(root: str,
                 rels: Sequence[str]) -> Tuple[str, Dict[str, str]]:
    """Content hashes of files under ``root``.

    Args:
        root: The folder the paths are relative to.
        rels: ``/``-separated paths relative to ``root``.

    Returns:
        ``(digest, files)``: ``files`` maps each path, sorted, to its hex
        SHA-256; ``digest`` is the SHA-256 of the ``"<sha256>  <path>\n"``
        lines (``sha256sum``'s format) in that order, one hash for the set.

    Raises:
        OSError: a file cannot be read.
    """
    files = {rel: file_sha256(osp.join(root, rel)) for rel in sorted(rels)}
    listing = ''.join(f'{h}  {rel}\n' for rel, h in files.items())
    return hashlib.sha256(listing.encode('utf-8')).hexdigest(), files


#: ``progress(items, total, description)`` yields ``items`` unchanged and
#: shows how far it got (a progress bar, a log line...). The data-set loops
#: (:func:`~.synthetic.make_synthetic`, :func:`~.reencode.reencode_tree`)
#: take one so that a CLI can draw a bar without re-implementing the loop.
Progress = Callable[[Iterable[T], int, str], Iterator[T]]


def no_progress(items: Iterable[T], total: int,
                description: str) -> Iterator[T]:
    """The silent :data:`Progress`: yields ``items``."""
    yield from items


def rich_progress(items: Iterable[T], total: int,
                  description: str) -> Iterator[T]:
    """A :data:`Progress` drawing a ``rich`` bar on stderr (stdout stays
    clean for the tools' reports); none for nothing to do."""
    if total <= 0:
        yield from items
        return
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.progress import Progress as _Bar
    columns = (TextColumn('{task.description}'), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn('eta'),
               TimeRemainingColumn())
    with _Bar(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)


def _ignore_sigint(initializer: Optional[Callable[[], None]]) -> None:
    # Ctrl-C reaches the whole process group; only the parent handles it
    # (and terminates the workers), so no worker dies mid-task with a
    # traceback while the others hang on a broken pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()


def parallel_imap(fn: Callable[[T], R],
                  items: Iterable[T],
                  workers: int = 1,
                  initializer: Optional[Callable[[], None]] = None
                  ) -> Iterator[R]:
    """``fn`` over ``items`` in ``workers`` processes, results as they come.

    With ``workers <= 1`` it runs in this process, in order. Otherwise the
    order of results is the order of completion. If the consumer stops
    early or an exception (e.g. KeyboardInterrupt) escapes, the workers are
    terminated at once instead of finishing the queue.

    ``fn`` must be a module-level function. Workers are forked: they start
    at once and share the parent's imported modules. A ``forkserver`` (tried
    on 2026-11-21) starts clean but re-imports the package, torch and
    mmaction included, in the server and its workers: the synthetic set took
    19 s instead of 9.5 s and the tests 38 s instead of 5 s. The hazard of
    fork is a thread pool copied without its threads: a child's first
    parallel call then waits forever. Callers whose workers use such a pool
    stop it before calling this (:func:`~.synthetic.run_synthetic` sets
    OpenCV to one thread around the pool); our workers never use torch.
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    methods = mp.get_all_start_methods()
    ctx = mp.get_context('fork' if 'fork' in methods else None)
    pool = ctx.Pool(min(workers, len(items)), _ignore_sigint, (initializer, ))
    try:
        yield from pool.imap_unordered(fn, items)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def add_workers_arg(parser: argparse.ArgumentParser) -> None:
    """``--workers N``: processes of :func:`parallel_imap` (default: up to 4,
    at most the machine's CPUs); check it with :func:`check_workers`."""
    parser.add_argument('--workers', type=int,
                        default=min(4, os.cpu_count() or 1),
                        help='parallel processes; default: %(default)s')


def check_workers(parser: argparse.ArgumentParser,
                  args: argparse.Namespace) -> None:
    """Exit with a usage error (code 2) unless ``args.workers >= 1``."""
    if args.workers < 1:
        parser.error('--workers must be >= 1')


def run_resumable(main: Callable[[], int]) -> None:
    """Run a data tool's ``main`` and exit with its code; on Ctrl-C say how
    to resume and exit 130 (the shell's code for SIGINT).

    The loops write every output atomically (:func:`partial_path`) and
    check what is there on the next run, so the same command resumes.
    """
    try:
        code = main()
    except KeyboardInterrupt:
        print('interrupted; run the same command again to resume',
              file=sys.stderr)
        code = 130
    sys.exit(code)
