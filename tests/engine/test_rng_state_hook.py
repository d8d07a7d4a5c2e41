"""RNGStateHook, CheckpointManifestHook and DistShutdownHook on a stand-in
runner (the end-to-end kill / resume run is in tests/test_e2e.py)."""
import atexit
import os
import random
from types import SimpleNamespace

import numpy as np
import torch
from mmengine.logging import MessageHub, MMLogger

from mmaction_imr.engine.checkpoint import is_trusted
from mmaction_imr.engine.hooks import (CheckpointManifestHook,
                                       DistShutdownHook, RNGStateHook,
                                       shutdown_process_group)


def _draw():
    return (random.random(), float(np.random.rand()), float(torch.rand(1)))


def _runner(epoch=1, iter=4):
    return SimpleNamespace(epoch=epoch, iter=iter,
                           logger=MMLogger.get_instance('test_rng_hook'))


def test_resume_continues_the_random_streams():
    hook, ckpt = RNGStateHook(), {'meta': dict(epoch=1, iter=4)}
    torch.manual_seed(0)
    hook.before_save_checkpoint(_runner(), ckpt)
    want = _draw()
    torch.manual_seed(123)  # a new process seeds from the config again
    random.seed(1)
    hook.after_load_checkpoint(_runner(), ckpt)
    hook.before_train(_runner(epoch=1, iter=4))
    assert _draw() == want
    assert len(ckpt['rng_state']) == 1  # one state per process


def test_load_from_is_a_new_run():
    hook, ckpt = RNGStateHook(), {'meta': dict(epoch=5, iter=50)}
    hook.before_save_checkpoint(_runner(), ckpt)
    random.seed(7)
    want = random.random()
    random.seed(7)
    hook.after_load_checkpoint(_runner(), ckpt)
    hook.before_train(_runner(epoch=0, iter=0))  # not where it was saved
    assert random.random() == want


def test_validation_during_training_draws_nothing():
    hook = RNGStateHook()
    hook.before_train(_runner(0, 0))
    state = random.getstate()
    hook.before_val_epoch(_runner())
    random.random()
    hook.after_val_epoch(_runner())
    ckpt = {'meta': {}}
    hook.before_save_checkpoint(_runner(), ckpt)  # the best checkpoint
    assert random.getstate() == state
    assert ckpt['rng_state'][0]['python'] == state


def test_manifest_records_what_the_checkpoint_hook_saved(tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv('XDG_CONFIG_HOME', str(tmp_path / 'config'))
    hub = MessageHub.get_instance('test_manifest_hook')
    # the start is read on the work dir's file clock (coarser than
    # time.time_ns(): a file written right after the start must count)
    runner = SimpleNamespace(message_hub=hub, work_dir=str(tmp_path))
    old = tmp_path / 'epoch_1.pth'
    torch.save({'x': object}, old)  # written before this run started
    past = old.stat().st_mtime_ns - 10**10
    os.utime(old, ns=(past, past))
    hook = CheckpointManifestHook()
    hook.before_run(runner)
    assert not list(tmp_path.glob('.run_start*'))  # the clock probe is gone
    hub.update_info('last_ckpt', str(old))
    hook.after_train_epoch(runner)
    assert not is_trusted(str(old))
    new = tmp_path / 'epoch_2.pth'
    torch.save({'x': object}, new)
    hub.update_info('last_ckpt', str(new))
    hook.after_train_epoch(runner)
    best = tmp_path / 'best_acc_epoch_2.pth'
    torch.save({'x': object}, best)
    hub.update_info('best_ckpt', str(best))
    hook.after_val_epoch(runner)
    assert is_trusted(str(new)) and is_trusted(str(best))


def test_dist_shutdown_at_exit(monkeypatch):
    import torch.distributed as dist
    registered = []
    monkeypatch.setattr(atexit, 'register', registered.append)
    DistShutdownHook().after_run(None)
    assert registered == []  # no process group: nothing to end
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(_free_port()))
    dist.init_process_group('gloo', rank=0, world_size=1)
    try:
        DistShutdownHook().after_run(None)
        assert registered == [shutdown_process_group]
        shutdown_process_group()
        assert not dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
