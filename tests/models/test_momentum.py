"""MoCo building blocks: momentum update, feature queue (1 and 2 processes)."""
import os.path as osp

import pytest
import torch
import torch.multiprocessing as mp
import torch.nn as nn

from mmaction_imr.models.selfsup.momentum import (FeatureQueue,
                                                  momentum_copy,
                                                  momentum_update,
                                                  pool_embedding,
                                                  split_views, video_ids)


def test_momentum_update_math():
    online = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    target = momentum_copy(online)
    assert all(not p.requires_grad for p in target.parameters())
    with torch.no_grad():
        for p in online.parameters():
            p.fill_(1.)
        for p in target.parameters():
            p.fill_(0.)
        online[1].running_mean.fill_(3.)
    momentum_update(online, target, 0.9)
    # target = 0.9 * 0 + 0.1 * 1
    for p in target.parameters():
        torch.testing.assert_close(p, torch.full_like(p, 0.1))
    # buffers are copied, not averaged
    torch.testing.assert_close(target[1].running_mean, torch.full((2, ), 3.))
    momentum_update(online, target, 0.9)  # 0.9 * 0.1 + 0.1 = 0.19
    torch.testing.assert_close(target[0].weight, torch.full((2, 2), 0.19))
    momentum_update(online, target, 0.)  # a copy
    torch.testing.assert_close(target[0].weight, online[0].weight)
    with pytest.raises(ValueError, match='momentum'):
        momentum_update(online, target, 1.5)
    with pytest.raises(ValueError, match='different'):
        momentum_update(online, nn.Linear(2, 3), 0.5)


def test_pool_embedding_and_split_views():
    one = torch.ones(2, 4, 3, 5, 5)
    assert pool_embedding(one).shape == torch.Size([2, 4])
    three = (torch.ones(2, 8, 1, 2, 2), torch.full((2, 2, 5, 2, 2), 2.),
             torch.zeros(2, 2, 5, 2, 2))
    pooled = pool_embedding(three)
    assert pooled.shape == torch.Size([2, 12])
    assert pooled[0].tolist() == [1.] * 8 + [2.] * 2 + [0.] * 2
    x = torch.arange(12.).reshape(3, 2, 2)
    a, b = split_views(x)
    assert a.tolist() == x[:, 0].tolist() and b.tolist() == x[:, 1].tolist()
    with pytest.raises(ValueError, match='two views'):
        split_views(torch.zeros(3, 1, 2))


def test_video_ids():
    assert video_ids([3, 0]).tolist() == [3, 0]
    hashed = video_ids(['a.mp4', 'b.mp4', 'a.mp4'])
    assert hashed[0] == hashed[2] != hashed[1] and (hashed >= 0).all()
    # stable across processes (not Python's salted hash): a fixed value
    assert video_ids(['a.mp4']).tolist() == video_ids(['a.mp4']).tolist()
    with pytest.raises(ValueError, match='video id'):
        video_ids([-1])


def _keys(rows, dim=2, offset=0.):
    return torch.arange(rows * dim, dtype=torch.float32).reshape(rows,
                                                                 dim) + offset


def test_queue_ring_and_alignment():
    queue = FeatureQueue(size=4, dim=2, banks=('rgb', 'mv'))
    assert queue.keys.shape == torch.Size([2, 4, 2])
    # MoCo's initial negatives: random unit vectors, not valid for mining
    torch.testing.assert_close(queue.bank('rgb').norm(dim=1), torch.ones(4))
    assert queue.valid().tolist() == [False] * 4
    queue.enqueue(dict(rgb=_keys(3), mv=_keys(3, offset=100.)),
                  torch.tensor([10, 11, 12]))
    assert queue.valid().tolist() == [True, True, True, False]
    assert queue.ids.tolist() == [10, 11, 12, -1]
    assert queue.bank('rgb')[:3].tolist() == _keys(3).tolist()
    assert queue.bank('mv')[:3].tolist() == _keys(3, offset=100.).tolist()
    # wrap around: slot 3, then slots 0 and 1 get the next three rows
    queue.enqueue(dict(rgb=_keys(3, offset=50.), mv=_keys(3, offset=150.)),
                  torch.tensor([20, 21, 22]))
    assert queue.ptr.item() == 2 and queue.filled.item() == 4
    assert queue.ids.tolist() == [21, 22, 12, 20]
    rgb, mv = queue.bank('rgb'), queue.bank('mv')
    assert rgb[3].tolist() == [50., 51.] and rgb[0].tolist() == [52., 53.]
    # every bank row j and ids[j] come from the same clip
    torch.testing.assert_close(mv - rgb, torch.full((4, 2), 100.))
    same = queue.same_video(torch.tensor([12, 99]))
    assert same.tolist() == [[False, False, True, False], [False] * 4]
    # bank() is a copy: enqueue must not change a tensor autograd holds
    before = queue.bank('rgb')
    queue.enqueue(dict(rgb=_keys(1), mv=_keys(1)), None)
    assert not torch.equal(before, queue.bank('rgb'))
    assert queue.ids[2].item() == -1  # unknown id


def test_queue_more_keys_than_slots_and_errors():
    queue = FeatureQueue(size=2, dim=2)
    queue.enqueue(dict(keys=_keys(5)), torch.arange(5))
    # the newest two stay
    assert sorted(queue.ids.tolist()) == [3, 4]
    assert queue.filled.item() == 2
    with pytest.raises(KeyError, match='banks'):
        queue.enqueue(dict(rgb=_keys(1)))
    with pytest.raises(ValueError, match=r'\[B, 2\]'):
        queue.enqueue(dict(keys=torch.zeros(1, 3)))
    with pytest.raises(ValueError, match='ids'):
        queue.enqueue(dict(keys=_keys(2)), torch.arange(3))
    with pytest.raises(KeyError, match='no queue bank'):
        queue.bank('rgb')
    with pytest.raises(ValueError, match='distinct'):
        FeatureQueue(2, 2, banks=('a', 'a'))


def test_queue_state_dict_roundtrip():
    queue = FeatureQueue(size=3, dim=2)
    queue.enqueue(dict(keys=_keys(2)), torch.tensor([5, 6]))
    other = FeatureQueue(size=3, dim=2)
    other.load_state_dict(queue.state_dict())
    assert other.ids.tolist() == [5, 6, -1] and other.ptr.item() == 2
    torch.testing.assert_close(other.keys, queue.keys)


def _ddp_enqueue(rank: int, world_size: int, init_file: str,
                 out_dir: str) -> None:
    import torch.distributed as dist
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world_size)
    try:
        queue = FeatureQueue(size=8, dim=2, banks=('rgb', 'mv'))
        # uneven batches (3 and 2 rows), as at the end of an epoch
        rows = 3 - rank
        for step in range(3):
            offset = 100. * step + 10. * rank
            queue.enqueue(
                dict(rgb=_keys(rows, offset=offset),
                     mv=_keys(rows, offset=offset + 1000.)),
                torch.arange(rows) + 10 * rank + 100 * step)
        torch.save(queue.state_dict(), osp.join(out_dir, f'rank{rank}.pth'))
    finally:
        dist.destroy_process_group()


def test_queue_ddp_two_processes(tmp_path):
    """Both processes hold the same queue: rank 0's rows, then rank 1's."""
    mp.spawn(_ddp_enqueue, args=(2, str(tmp_path / 'init'), str(tmp_path)),
             nprocs=2, join=True)
    states = [torch.load(tmp_path / f'rank{r}.pth') for r in range(2)]
    for key in states[0]:
        torch.testing.assert_close(states[0][key], states[1][key])
    state = states[0]
    # 3 steps x (3 + 2) rows = 15 into 8 slots: ptr = 15 % 8
    assert state['ptr'].item() == 7 and state['filled'].item() == 8
    # step 2 wrote slots 2..6: rank 0's ids 200..202, then rank 1's 210, 211
    assert state['ids'].tolist()[2:7] == [200, 201, 202, 210, 211]
    # alignment across the gather: MV = RGB + 1000 in every written slot
    torch.testing.assert_close(state['keys'][1] - state['keys'][0],
                               torch.full((8, 2), 1000.))
