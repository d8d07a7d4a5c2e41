"""Partial files and the worker pool."""
import os
import time

import pytest

from mmaction_imr.prepare import fileutil as fu


def _square(x):
    return x * x


def _slow(x):
    time.sleep(0.3)
    return x


def _fail(x):
    if x == 3:
        raise RuntimeError('bad item 3')
    return x


def test_partial_path_and_stale_cleanup(tmp_path):
    p = fu.partial_path(str(tmp_path / 'a' / 'v.mp4'))
    assert p == str(tmp_path / 'a' / f'.v.mp4.partial-{os.getpid()}.mp4')
    (tmp_path / 'a').mkdir()
    mine = tmp_path / 'a' / os.path.basename(p)
    dead = tmp_path / 'a' / '.w.mp4.partial-999999999.mp4'
    other = tmp_path / 'a' / 'w.mp4'
    for f in (mine, dead, other):
        f.write_bytes(b'x')
    assert fu.remove_stale_partials(str(tmp_path)) == 1
    assert mine.exists() and other.exists() and not dead.exists()


@pytest.mark.parametrize('workers', [1, 2])
def test_parallel_imap_results(workers):
    out = list(fu.parallel_imap(_square, range(7), workers))
    assert sorted(out) == [x * x for x in range(7)]
    with pytest.raises(RuntimeError, match='bad item 3'):
        list(fu.parallel_imap(_fail, range(6), workers))


def test_parallel_imap_stops_workers_when_consumer_stops():
    t0 = time.perf_counter()
    gen = fu.parallel_imap(_slow, range(40), 2)
    next(gen)
    gen.close()  # as on KeyboardInterrupt: do not finish the queue
    assert time.perf_counter() - t0 < 3  # the queue alone is 6 s


def test_workers_arg_default_and_check():
    import argparse
    parser = argparse.ArgumentParser()
    fu.add_workers_arg(parser)
    args = parser.parse_args([])
    assert args.workers == min(4, os.cpu_count() or 1)
    fu.check_workers(parser, parser.parse_args(['--workers', '1']))
    with pytest.raises(SystemExit) as exit_:
        fu.check_workers(parser, parser.parse_args(['--workers', '0']))
    assert exit_.value.code == 2


def test_run_resumable_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_:
        fu.run_resumable(lambda: 1)
    assert exit_.value.code == 1

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(SystemExit) as exit_:
        fu.run_resumable(interrupted)
    assert exit_.value.code == 130
    assert 'run the same command again' in capsys.readouterr().err
