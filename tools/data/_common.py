"""Shared bits of the data CLIs: a light import of the package, a progress
bar. Not a tool itself.

Why the data tools do not ``import mmaction_imr`` like the other tools:
``mmaction_imr/__init__`` imports torch and mmaction to apply the shims and
fill the registries (3-5 s on our machines). The data tools use neither;
paying that would make ``--help`` slow and break the synthetic set's promise
to answer "already complete" within a second. So we register an empty
package object for ``mmaction_imr`` (pointing at the real folder) and import
``mmaction_imr.prepare``, which is pure python/numpy/PyAV/OpenCV, directly.
Nothing else runs in these processes, so nobody sees the stand-in.
"""
import contextlib
import importlib
import importlib.util
import os.path as osp
import sys
import types

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def import_prepare() -> types.ModuleType:
    """``mmaction_imr.prepare`` without executing ``mmaction_imr/__init__``."""
    if 'mmaction_imr' not in sys.modules:
        spec = importlib.util.find_spec('mmaction_imr')  # does not execute
        if spec is None:  # a checkout that is not pip-installed
            sys.path.insert(0, REPO_ROOT)
            spec = importlib.util.find_spec('mmaction_imr')
        if spec is None or not spec.submodule_search_locations:
            sys.exit('error: cannot find the mmaction_imr package; run '
                     '`pip install -e .` in the repository')
        pkg = types.ModuleType('mmaction_imr')
        pkg.__path__ = list(spec.submodule_search_locations)
        pkg.__file__ = spec.origin
        sys.modules['mmaction_imr'] = pkg
    return importlib.import_module('mmaction_imr.prepare')


@contextlib.contextmanager
def progress_bar(total: int, description: str):
    """A rich progress bar on stderr; yields ``advance(n=1)``."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress,
                               TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)
    columns = (TextColumn('{task.description}'), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TextColumn('eta'),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)
