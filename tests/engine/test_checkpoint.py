"""The checkpoint trust policy, results files and weights-only publishing
(mmaction_imr/engine/checkpoint.py)."""
import json
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

from mmaction_imr.engine import checkpoint as ck
from mmaction_imr.engine.checkpoint import (MANIFEST, TRUST_ENV,
                                            CheckpointReadError,
                                            UntrustedCheckpointError,
                                            is_trusted, load_results,
                                            plain_meta, publish_checkpoint,
                                            record_checkpoint, sha256sum,
                                            trust_checkpoints)

REPO = __import__('pathlib').Path(__file__).resolve().parents[2]


class Payload:
    """Unpickling it runs code: it creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """A fresh user key, no trust from the environment."""
    monkeypatch.setenv('XDG_CONFIG_HOME', str(tmp_path / 'config'))
    monkeypatch.delenv(TRUST_ENV, raising=False)
    monkeypatch.delenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', raising=False)


def _training_ckpt(path):
    torch.save(
        dict(
            state_dict={'backbone.w': torch.arange(3.)},
            optimizer={'state': {}},
            message_hub=dict(log_scalars={'loss': HistoryBuffer()}),
            meta=dict(epoch=np.int64(4), seed=7, cfg='x=1',
                      hook_msgs=dict(obj=HistoryBuffer()))), path)


def _evil_ckpt(path, marker):
    torch.save(dict(state_dict={'backbone.w': torch.ones(1)},
                    meta=dict(x=Payload(marker))), path)


def _load(path):
    return CheckpointLoader.load_checkpoint(str(path), map_location='cpu')


def test_weights_only_checkpoint_loads_anywhere(tmp_path):
    path = tmp_path / 'zoo.pth'
    torch.save(dict(state_dict={'w': torch.ones(2)}, meta={'epoch': 1}), path)
    assert torch.equal(_load(path)['state_dict']['w'], torch.ones(2))


def test_untrusted_full_pickle_is_refused_tool_neutrally(tmp_path):
    path = tmp_path / 'full.pth'
    _training_ckpt(path)
    with pytest.raises(UntrustedCheckpointError) as err:
        _load(path)
    assert isinstance(err.value, pickle.UnpicklingError)  # as upstream
    msg = str(err.value)
    assert str(path) in msg and TRUST_ENV in msg and '--trust-checkpoint' in msg
    assert 'HistoryBuffer' in msg  # what torch refused


def test_recorded_checkpoint_is_trusted_exactly(tmp_path):
    run = tmp_path / 'run'
    run.mkdir()
    own, foreign = run / 'epoch_1.pth', run / 'evil.pth'
    _training_ckpt(own)
    record_checkpoint(str(own))
    _training_ckpt(foreign)  # same folder, not written by the run
    assert _load(own)['meta']['seed'] == 7
    with pytest.raises(UntrustedCheckpointError):
        _load(foreign)
    # Changed after saving: the entry no longer matches.
    torch.save(torch.load(own, weights_only=False) | {'x': 1}, own)
    assert not is_trusted(str(own))
    # A manifest made with another user's key does not count.
    _training_ckpt(own)
    record_checkpoint(str(own))
    assert is_trusted(str(own))
    os.remove(tmp_path / 'config' / 'mmaction_imr' / 'checkpoint.key')
    assert not is_trusted(str(own))


def test_forged_manifest_in_a_named_folder_is_not_trust(tmp_path):
    marker = tmp_path / 'ran'
    folder = tmp_path / 'downloaded'
    folder.mkdir()
    _evil_ckpt(folder / 'evil.pth', marker)
    # whoever made the folder can write a manifest, but not with your key
    (folder / MANIFEST).write_text(json.dumps(dict(files={
        'evil.pth': sha256sum(str(folder / 'evil.pth'))})))
    with pytest.raises(UntrustedCheckpointError):
        _load(folder / 'evil.pth')
    assert not marker.exists()


def test_explicit_trust_is_scoped(tmp_path, monkeypatch):
    path = tmp_path / 'a' / 'full.pth'
    path.parent.mkdir()
    _training_ckpt(path)
    sibling = tmp_path / 'a2' / 'full.pth'  # same prefix, other folder
    sibling.parent.mkdir()
    _training_ckpt(sibling)
    with trust_checkpoints([str(path), None]):
        assert 'message_hub' in _load(path)
        with pytest.raises(UntrustedCheckpointError):
            _load(sibling)
    with pytest.raises(UntrustedCheckpointError):
        _load(path)  # the trust ended with the block
    monkeypatch.setenv(TRUST_ENV, str(tmp_path / 'a'))
    assert 'message_hub' in _load(path)
    with pytest.raises(UntrustedCheckpointError):
        _load(sibling)


def test_torch_force_no_weights_only_is_respected(tmp_path, monkeypatch):
    path = tmp_path / 'full.pth'
    _training_ckpt(path)
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    monkeypatch.setattr(ck, '_warned_no_weights_only', False)
    with pytest.warns(UserWarning, match='without the trust check'):
        assert 'message_hub' in _load(path)  # as mmengine's own loader


@pytest.mark.parametrize('cut', [0, 100, 0.5])
def test_empty_or_truncated_checkpoint_names_the_file(tmp_path, cut):
    full = tmp_path / 'full.pth'
    _training_ckpt(full)
    data = full.read_bytes()
    bad = tmp_path / 'epoch_3.pth'
    bad.write_bytes(data[:int(cut * len(data)) if cut < 1 else cut])
    record_checkpoint(str(bad))  # even a recorded one
    with pytest.raises(CheckpointReadError, match='epoch_3.pth') as err:
        _load(bad)
    if cut == 0:
        assert 'empty (0 bytes)' in str(err.value)


def test_missing_checkpoint_names_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        _load(tmp_path / 'nope.pth')


def test_results_file_loads_safely(tmp_path):
    dump = [dict(gt_label=torch.tensor([1]), pred_score=torch.rand(3),
                 frame_inds=np.arange(4), score=np.float32(0.5),
                 filename='a.mp4', shape=(3, 4), raw=b'\x00\xff')]
    import mmengine
    mmengine.dump(dump, str(tmp_path / 'preds.pkl'))
    got = load_results(str(tmp_path / 'preds.pkl'))
    assert torch.equal(got[0]['pred_score'], dump[0]['pred_score'])
    assert got[0]['raw'] == b'\x00\xff' and got[0]['shape'] == (3, 4)
    np.testing.assert_array_equal(got[0]['frame_inds'], np.arange(4))


def test_results_payload_is_refused(tmp_path, monkeypatch):
    marker = tmp_path / 'ran'
    with open(tmp_path / 'evil.pkl', 'wb') as f:
        pickle.dump([dict(pred_score=torch.ones(2), x=Payload(marker))], f)
    with pytest.raises(pickle.UnpicklingError, match='evil.pkl.*system'):
        load_results(str(tmp_path / 'evil.pkl'))
    assert not marker.exists()


def test_plain_meta_drops_objects_and_unwraps_scalars():
    meta = plain_meta(
        dict(a=np.float32(1.5), b=[1, object(), 'x'], c=dict(d=object())))
    assert meta == dict(a=1.5, b=[1, 'x'], c={})


def test_publish_is_weights_only_and_hashed(tmp_path):
    src = str(tmp_path / 'epoch_4.pth')
    _training_ckpt(src)
    with pytest.raises(UntrustedCheckpointError):
        publish_checkpoint(src, str(tmp_path / 'zoo' / 'm.pth'))
    out = publish_checkpoint(src, str(tmp_path / 'zoo' / 'm.pth'), trust=True)
    assert out.endswith(f'-{sha256sum(out)[:8]}.pth')
    ckpt = torch.load(out, weights_only=True)
    assert set(ckpt) == {'state_dict', 'meta'}
    assert torch.equal(ckpt['state_dict']['backbone.w'], torch.arange(3.))
    assert ckpt['meta']['epoch'] == 4 and ckpt['meta']['cfg'] == 'x=1'
    assert 'obj' not in ckpt['meta']['hook_msgs']
    assert not is_trusted(src)  # `trust=True` was for that call only


def test_publish_cli(tmp_path, run_script):
    src = str(tmp_path / 'epoch_4.pth')
    _training_ckpt(src)
    tool = 'tools/publish_model.py'
    code, _, err = run_script(tool, src, tmp_path / 'm.pth')
    assert code == 1 and '--trust-checkpoint' in err
    assert 'Traceback' not in err
    marker = tmp_path / 'ran'
    _evil_ckpt(tmp_path / 'evil.pth', marker)
    code, _, err = run_script(tool, tmp_path / 'evil.pth', tmp_path / 'e.pth')
    assert code == 1 and not marker.exists()
    code, out, err = run_script(tool, src, tmp_path / 'm.pth',
                                '--trust-checkpoint')
    assert code == 0, err
    assert torch.load(out.strip(), weights_only=True)['state_dict']


def _make_key(barrier, queue):
    barrier.wait()
    queue.put(ck.user_key(create=True).hex())


def test_processes_making_the_key_at_once_share_one(tmp_path, monkeypatch):
    """Ranks or runs starting together: one key wins, nobody reads a
    half-written one (each round starts 6 processes at a barrier)."""
    import multiprocessing as mp
    ctx = mp.get_context('fork')
    for round_ in range(5):
        home = tmp_path / f'config{round_}'
        monkeypatch.setenv('XDG_CONFIG_HOME', str(home))
        barrier, queue = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_make_key, args=(barrier, queue))
                 for _ in range(6)]
        for p in procs:
            p.start()
        keys = {queue.get(timeout=60) for _ in procs}
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
        assert len(keys) == 1 and len(bytes.fromhex(keys.pop())) == 32
        assert os.listdir(home / 'mmaction_imr') == ['checkpoint.key']


def test_damaged_key_is_a_clear_error(tmp_path):
    key = tmp_path / 'config' / 'mmaction_imr' / 'checkpoint.key'
    key.parent.mkdir(parents=True)
    key.write_bytes(b'')
    with pytest.raises(RuntimeError, match=rf'{key}: .* 0 bytes, not 32'):
        ck.user_key()


def test_strip_module_prefix_only_when_every_key_has_it():
    from mmaction_imr.engine.checkpoint import strip_module_prefix
    t = torch.zeros(1)
    assert list(strip_module_prefix({'module.a.w': t, 'module.b': t})) == [
        'a.w', 'b']
    mixed = {'module.a': t, 'b': t}  # not a wrapper's: left as it is
    assert strip_module_prefix(mixed) is mixed
    assert strip_module_prefix({}) == {}
