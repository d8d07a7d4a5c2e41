"""Fixtures shared by the model tests."""
import pytest
import torch

from mmaction.structures import ActionDataSample


def _packed_batch(n=3, views=1, seed=0, *, t, kappa, size):
    g = torch.Generator().manual_seed(seed)
    inputs = dict(imgs=[], motion_vectors=[], residuals=[])
    for _ in range(n):
        inputs['imgs'].append(torch.randint(
            0, 255, (views, 3, t, size, size), generator=g).to(torch.uint8))
        inputs['motion_vectors'].append(torch.randint(
            -3, 4, (views, 2, t * kappa, size, size), generator=g).float())
        inputs['residuals'].append(torch.randn(
            views, 3, t * kappa, size, size, generator=g))
    return dict(inputs=inputs,
                data_samples=[ActionDataSample() for _ in range(n)])


@pytest.fixture(scope='session')
def packed_batch():
    """``packed_batch(n=3, views=1, seed=0, *, t, kappa, size)``: what
    PackActionInputs + pseudo_collate give the data preprocessor for ``n``
    random clips of ``t`` GOPs (``t * kappa`` P-frames) at ``size`` px."""
    return _packed_batch
