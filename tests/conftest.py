"""Fixtures shared by the whole suite."""
import os
import os.path as osp

import pytest

import mmaction_imr.register  # noqa: F401  (shims + registration first)

# A decode cache of the developer's shell (IMR_DECODE_CACHE) would change
# what the tests exercise (hits instead of decoding): tests that want one
# set it themselves.
os.environ.pop('IMR_DECODE_CACHE', None)

if os.environ.get('PYTEST_XDIST_WORKER'):
    # One of several test processes (tools/run_tests.sh starts one a core):
    # one thread each, for this process and the tools it starts, so that
    # they share the cores instead of spinning on each other's.
    import torch
    torch.set_num_threads(1)
    os.environ.setdefault('OMP_NUM_THREADS', '1')


def pytest_collection_modifyitems(config, items):
    """End-to-end tests first: the long ones start early, and the short ones
    fill the other processes' time (shorter runs with pytest-xdist)."""
    items.sort(key=lambda item: item.get_closest_marker('e2e') is None)

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: Real videos from public repositories, beside the checkout (see SOURCES.md).
TESTDATA = osp.join(osp.dirname(REPO_ROOT), 'shared', 'testdata')


@pytest.fixture(scope='session')
def testdata_dir() -> str:
    """``../shared/testdata``; tests using it skip when it is absent."""
    if not osp.isdir(TESTDATA):
        pytest.skip(f'real test videos not found at {TESTDATA} '
                    '(the shared/ folder beside the checkout)')
    return TESTDATA


@pytest.fixture(scope='session')
def panning_video(tmp_path_factory):
    """``panning_video(h, w, speed=2, frames=40, pad=None) -> path``: an
    MPEG-4 file (GOP 12) of a ``[h, w]`` window panning ``speed`` px/frame
    over a smooth random texture ``pad`` px wider (default ``speed *
    frames``), so that every P-frame has real motion. Cached per argument
    set."""
    import cv2
    import numpy as np

    from mmaction_imr.prepare.writer import write_video
    root = tmp_path_factory.mktemp('panning')
    cache = {}

    def make(h, w, speed=2, frames=40, pad=None):
        key = (h, w, speed, frames, pad)
        if key not in cache:
            pad = speed * frames if pad is None else pad
            rng = np.random.default_rng(0)
            base = cv2.GaussianBlur(
                rng.integers(0, 256, (h, w + pad, 3), dtype=np.uint8),
                (0, 0), 1.5)
            path = str(root / f'pan_{h}x{w}_{speed}_{frames}_{pad}.mp4')
            write_video(path, [
                base[:, speed * t:speed * t + w] for t in range(frames)
            ])
            cache[key] = path
        return cache[key]

    return make


@pytest.fixture
def run_script():
    """``run_script(tool, *args) -> (exit code, stdout, stderr)``: run a
    script of the repository (path relative to it) as ``python tool args``
    would (``__main__``, its ``sys.argv``), but in this process: a fresh
    interpreter spends seconds importing torch. Use a subprocess where the
    fresh interpreter is what is tested."""
    import contextlib
    import io
    import runpy
    import sys

    def run(tool, *args):
        out, err = io.StringIO(), io.StringIO()
        argv = sys.argv
        sys.argv = [tool, *map(str, args)]
        try:
            with contextlib.redirect_stdout(out), \
                    contextlib.redirect_stderr(err):
                try:
                    runpy.run_path(osp.join(REPO_ROOT, tool),
                                   run_name='__main__')
                    code = 0
                except SystemExit as exit:
                    code = 0 if exit.code is None else exit.code
        finally:
            sys.argv = argv
        return code, out.getvalue(), err.getvalue()

    return run
