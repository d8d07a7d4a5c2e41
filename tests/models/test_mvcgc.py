"""MVCGC: stages, cross-guided positives, queue alignment, DDP."""
import os.path as osp

import pytest
import torch
import torch.multiprocessing as mp

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.models.selfsup.mvcgc import MVCGC, r2plus1d_r18

T = 0.07


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread: on a loaded 2-core machine torch's default
    thread pool makes these tiny convolutions ten times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _encoder(in_channels):
    # R(2+1)D-18 at base 4: pooled output 32 channels
    return dict(backbone=r2plus1d_r18(in_channels, base_channels=4),
                in_channels=32)


def _model(**kwargs):
    cfg = dict(type='MVCGC', rgb_encoder=_encoder(3), mv_encoder=_encoder(2),
               queue_size=8, embed_dim=16)
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _batch(num_videos=2, frames=4, size=16, seed=0):
    gen = torch.Generator().manual_seed(seed)
    inputs = dict(
        imgs=torch.randn(num_videos, 2, 3, frames, size, size, generator=gen),
        motion_vectors=torch.randn(num_videos, 2, 2, frames, size, size,
                                   generator=gen))
    samples = [ActionDataSample(metainfo=dict(video_id=i))
               for i in range(num_videos)]
    return inputs, samples


def test_default_encoders_are_r2plus1d_18():
    model = MVCGC(stage=2)
    for m, channels in (('rgb', 3), ('mv', 2)):
        backbone = model.encoders[m].backbone
        assert type(backbone).__name__ == 'ResNet2Plus1d'
        assert backbone.depth == 18 and backbone.in_channels == channels
    assert model.queue.keys.shape == torch.Size([2, 2048, 128])
    assert (model.momentum, model.temperature, model.topk) == (0.999, 0.07, 5)


@pytest.mark.parametrize('modality', ['rgb', 'mv'])
def test_stage1_one_modality(modality):
    model = _model(stage=1, modality=modality)
    assert list(model.encoders) == [modality]
    assert model.queue.banks == (modality, )
    inputs, samples = _batch()
    losses = model.loss(inputs, samples)
    assert set(losses) == {f'loss_{modality}', f'acc_{modality}'}
    losses[f'loss_{modality}'].backward()
    grads = [p.grad for p in model.encoders[modality].parameters()]
    assert all(g is not None for g in grads)
    # the keys of view 1 went into the queue with their video ids
    assert model.queue.ids[:2].tolist() == [0, 1]
    key_view = inputs[{'rgb': 'imgs', 'mv': 'motion_vectors'}[modality]][:, 1]
    model.eval()  # BN in eval for a deterministic recomputation
    with torch.no_grad():
        model.momentum_encoders[modality].train()
        expected = model.momentum_encoders[modality](key_view)
    torch.testing.assert_close(model.queue.bank(modality)[:2], expected)


def test_extract_feat_before_projection():
    model = _model(stage=2)
    inputs, _ = _batch(num_videos=3)
    feats = model.extract_feat(inputs)
    assert feats['rgb'].shape == torch.Size([6, 32])
    assert feats['mv'].shape == torch.Size([6, 32])
    only_mv = model(dict(motion_vectors=inputs['motion_vectors'][:, 0]),
                    mode='tensor')
    assert set(only_mv) == {'mv'} and only_mv['mv'].shape == (3, 32)


def _crafted(model, monkeypatch):
    """Queries, keys and a queue worked out by hand (embed_dim 2).

    RGB query [1, 0] vs RGB bank: sims (1, .8, 0, .6): top-2 {0, 1}.
    MV query [0, 1] vs MV bank: sims (1, 0, .8, .6): top-2 {0, 2}.
    Entry 0 is the query's own video (id 7): a positive, but not mined and
    not counted in the top 2; then top-2 RGB = {1, 3}, MV = {2, 3}: mined
    {3}.
    """
    q = dict(rgb=torch.tensor([[1., 0.]]), mv=torch.tensor([[0., 1.]]))
    k = dict(rgb=torch.tensor([[.6, .8]]), mv=torch.tensor([[.8, .6]]))
    for m in ('rgb', 'mv'):
        monkeypatch.setattr(model.encoders[m], 'forward',
                            lambda x, m=m: q[m])
        monkeypatch.setattr(model.momentum_encoders[m], 'forward',
                            lambda x, m=m: k[m])
    banks = dict(rgb=[[1., 0.], [.8, .6], [0., 1.], [.6, .8]],
                 mv=[[0., 1.], [1., 0.], [.6, .8], [.8, .6]])
    with torch.no_grad():
        for i, m in enumerate(model.queue.banks):
            model.queue.keys[i] = torch.tensor(banks[m])
        model.queue.ids.copy_(torch.tensor([7, 1, 2, 3]))
        model.queue.filled.fill_(4)
    inputs, _ = _batch(num_videos=1)
    return inputs, [ActionDataSample(metainfo=dict(video_id=7))]


def _nce(logits, positives):
    logits = torch.tensor(logits) / T
    return (logits.logsumexp(0) - logits[positives].logsumexp(0)).item()


def test_stage2_intersection_positives_by_hand(monkeypatch):
    model = _model(stage=2, queue_size=4, embed_dim=2, topk=2)
    inputs, samples = _crafted(model, monkeypatch)
    losses = model.loss(inputs, samples)
    assert losses['num_mined'].item() == 1.
    # RGB query [1, 0] vs [own MV key .8,.6 | MV bank]: (.8, 0, 1, .6, .8)
    # positives: own key (0), same video (entry 0 -> 1), mined 3 (-> 4)
    assert losses['loss_rgb'].item() == pytest.approx(
        _nce([.8, 0., 1., .6, .8], [0, 1, 4]), rel=1e-5)
    # MV query [0, 1] vs [own RGB key .6,.8 | RGB bank]: (.8, 0, .6, 1, .8)
    assert losses['loss_mv'].item() == pytest.approx(
        _nce([.8, 0., .6, 1., .8], [0, 1, 4]), rel=1e-5)
    # the batch's keys went in at slot 0 (the oldest), ids aligned
    assert model.queue.ids.tolist() == [7, 1, 2, 3]
    assert model.queue.bank('rgb')[0].tolist() == pytest.approx([.6, .8])
    assert model.queue.bank('mv')[0].tolist() == pytest.approx([.8, .6])


def test_stage2_frozen_guide_by_hand(monkeypatch):
    model = _model(stage=2, guide='rgb', queue_size=4, embed_dim=2, topk=2)
    model.train()
    assert not model.encoders['rgb'].training
    assert model.encoders['mv'].training
    assert not any(p.requires_grad for p in model.encoders['rgb'].parameters())
    inputs, samples = _crafted(model, monkeypatch)
    losses = model.loss(inputs, samples)
    # the guide's top 2 (own video excluded) = {1, 3}; only MV trains, in its
    # own modality: [own MV key .8,.6 | MV bank] = (.6, 1, 0, .8, .6)
    assert set(losses) == {'loss_mv', 'acc_mv', 'num_mined'}
    assert losses['num_mined'].item() == 2.
    assert losses['loss_mv'].item() == pytest.approx(
        _nce([.6, 1., 0., .8, .6], [0, 1, 2, 4]), rel=1e-5)


def test_stage2_real_step_learns_and_mines():
    model = _model(stage=2, queue_size=4)
    optim = torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                            lr=0.1)
    inputs, samples = _batch(num_videos=2)
    for _ in range(3):
        losses = model.loss(inputs, samples)
        (losses['loss_rgb'] + losses['loss_mv']).backward()
        optim.step()
        optim.zero_grad()
    assert torch.isfinite(losses['loss_rgb'])
    # 3 steps of 2 keys into 4 slots: ptr 2, all valid, ids in step order
    assert model.queue.filled.item() == 4
    assert model.queue.ids.tolist() == [0, 1, 0, 1]
    # each query's two queue entries of the other video are in the top 5 of
    # both modalities (only 2 eligible): both mined; its own are not
    assert losses['num_mined'].item() == 2.


def test_momentum_encoder_follows():
    model = _model(stage=1, modality='mv', momentum=0.5)
    online, target = model.encoders['mv'], model.momentum_encoders['mv']
    with torch.no_grad():
        for p in online.parameters():
            p.add_(1.)
    before = [p.clone() for p in target.parameters()]
    inputs, samples = _batch()
    model.loss(inputs, samples)
    for p_t, p_b, p_o in zip(target.parameters(), before, online.parameters()):
        torch.testing.assert_close(p_t, 0.5 * p_b + 0.5 * p_o)


def test_stage2_loads_stage1_encoders(tmp_path):
    stage1 = _model(stage=1, modality='rgb')
    ckpt = str(tmp_path / 'stage1_rgb.pth')
    torch.save(dict(state_dict=stage1.state_dict()), ckpt)
    rgb = dict(_encoder(3), init_cfg=dict(type='Pretrained', checkpoint=ckpt,
                                          prefix='encoders.rgb.'))
    stage2 = _model(stage=2, rgb_encoder=rgb)
    ref = stage1.encoders['rgb'].state_dict()
    for name, value in stage2.encoders['rgb'].state_dict().items():
        torch.testing.assert_close(value, ref[name])
    # the momentum encoder starts as a copy of the loaded encoder
    for name, value in stage2.momentum_encoders['rgb'].state_dict().items():
        torch.testing.assert_close(value, ref[name])
    # the queue starts empty
    assert not stage2.queue.valid().any()


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match='modality must'):
        _model(stage=1)
    with pytest.raises(ValueError, match='stage 2 trains both'):
        _model(stage=2, modality='rgb')
    with pytest.raises(ValueError, match='guide must'):
        _model(stage=2, guide='union')
    with pytest.raises(ValueError, match='stage must'):
        _model(stage=3)
    model = _model(stage=1, modality='rgb')
    inputs, samples = _batch()
    with pytest.raises(KeyError, match='video_id'):
        model.loss(inputs, [ActionDataSample() for _ in samples])
    with pytest.raises(ValueError, match='one data sample per video'):
        model.loss(inputs, None)
    with pytest.raises(KeyError, match='imgs'):
        model.loss(dict(motion_vectors=inputs['motion_vectors']), samples)
    with pytest.raises(ValueError, match='two views'):
        model.loss(dict(imgs=inputs['imgs'][:, :1]), samples)
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(inputs, samples, mode='predict')


def _ddp_stage2(rank: int, world_size: int, init_file: str,
                out_dir: str) -> None:
    import torch.distributed as dist

    import mmaction_imr.register  # noqa: F401
    from mmengine.optim import OptimWrapper

    from mmaction_imr.engine.model_wrappers import IMRDistributedDataParallel
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world_size)
    try:
        torch.manual_seed(0)  # the same initial model in both processes
        model = _model(stage=2, queue_size=8)
        ddp = IMRDistributedDataParallel(model, broadcast_buffers=False)
        optim = OptimWrapper(torch.optim.SGD(
            [p for p in model.parameters() if p.requires_grad], lr=0.1))
        for step in range(2):
            inputs, samples = _batch(num_videos=2, seed=10 * step + rank)
            for i, ds in enumerate(samples):  # distinct videos per process
                ds.set_metainfo(dict(video_id=100 * rank + 10 * step + i))
            data = dict(inputs={k: list(v) for k, v in inputs.items()},
                        data_samples=samples)
            log = ddp.train_step(data, optim)
        assert torch.isfinite(log['loss'])
        torch.save(model.state_dict(), osp.join(out_dir, f'rank{rank}.pth'))
    finally:
        dist.destroy_process_group()


@pytest.mark.e2e
def test_stage2_ddp_two_processes(tmp_path):
    """2 processes (gloo): identical queues and weights after 2 steps.

    BN statistics are per process (``broadcast_buffers=False``; the runtime's
    ``SyncBuffersHook`` syncs them after each epoch), so they are left out.
    """
    mp.spawn(_ddp_stage2, args=(2, str(tmp_path / 'init'), str(tmp_path)),
             nprocs=2, join=True)
    states = [torch.load(tmp_path / f'rank{r}.pth') for r in range(2)]
    bn_stats = ('running_mean', 'running_var', 'num_batches_tracked')
    compared = [k for k in states[0] if not k.endswith(bn_stats)]
    assert 'queue.keys' in compared and len(compared) > 100
    for key in compared:
        torch.testing.assert_close(states[0][key], states[1][key], msg=key)
    ids = states[0]['queue.ids'].tolist()
    # step s: rank 0's two videos, then rank 1's
    assert ids == [0, 1, 100, 101, 10, 11, 110, 111]
