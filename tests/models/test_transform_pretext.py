"""Rotation and AOT self-supervised models
(mmaction_imr/models/selfsup/transform_pretext.py) and their head
(mmaction_imr/models/heads/pretext_cls_head.py)."""
import copy
import functools
import math

import pytest
import torch
from mmengine.evaluator import Evaluator

from mmaction.registry import METRICS, MODELS
from mmaction_imr.pretext import aot_transform, rotation_transform

T, KAPPA, SIZE = 2, 2, 32
BACKBONE = dict(type='IMRResNet3d', depth=18, base_channels=8,
                channel_ratio=4, kappa=KAPPA)
OUT = (64, 16, 16)  # base * 8 per pathway (I: 8*8, P: 2*8)
MODELS_UNDER_TEST = {
    'rotation': ('IMRRotationSelfSup', rotation_transform, 4),
    'aot': ('IMRAOTSelfSup', aot_transform, 2),
}


def model_cfg(pretext, **head):
    return dict(type=MODELS_UNDER_TEST[pretext][0], backbone=BACKBONE,
                head=dict(type='PretextClsHead', in_channels=OUT,
                          hidden_channels=8, **head))


@pytest.fixture(scope='module')
def batch(packed_batch):
    """``batch(n=3, views=1, seed=0)`` at this file's clip size."""
    return functools.partial(packed_batch, t=T, kappa=KAPPA, size=SIZE)


@pytest.fixture(scope='module', params=sorted(MODELS_UNDER_TEST))
def pretext_model(request):
    torch.manual_seed(0)
    return request.param, MODELS.build(model_cfg(request.param))


def test_loss_and_backward(pretext_model, batch):
    name, model = pretext_model
    data = model.data_preprocessor(batch(), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {f'loss_{name}', f'acc_{name}'}
    classes = MODELS_UNDER_TEST[name][2]
    # cross-entropy near log(classes) at initialisation
    assert 0.3 * math.log(classes) < losses[f'loss_{name}'].item() < 3
    assert 0 <= losses[f'acc_{name}'] <= 1
    losses[f'loss_{name}'].backward()
    assert model.backbone.stages[0]['imgs'].conv1.conv.weight.grad is not None
    assert model.head.mlp[0].weight.grad is not None
    model.zero_grad()


def test_loss_is_the_head_on_the_transformed_clip(pretext_model, batch):
    """The targets are the pure transform's draws (same global seed), the
    backbone sees the transformed clip."""
    name, model = pretext_model
    transform = MODELS_UNDER_TEST[name][1]
    data = model.data_preprocessor(batch(n=4, seed=1), True)
    model.eval()  # BN in eval: the loss depends only on the draws
    torch.manual_seed(3)
    got = model(**copy.deepcopy(data), mode='loss')
    torch.manual_seed(3)
    inputs = {k: v.flatten(0, 1) for k, v in data['inputs'].items()}
    inputs, labels = transform(inputs)
    want = model.head.loss(model.backbone(**inputs), labels)
    model.train()
    for key in want:
        torch.testing.assert_close(got[key], want[key])


def test_predict_and_metric(pretext_model, batch):
    name, model = pretext_model
    data = model.data_preprocessor(batch(n=2, views=2, seed=2), False)
    model.eval()
    with torch.no_grad():
        samples = model(**data, mode='predict')
    model.train()
    assert len(samples) == 2
    for ds in samples:
        assert ds.get(f'pred_{name}').shape == (2, )
        assert ds.get(f'gt_{name}').dtype == torch.long
    evaluator = Evaluator(METRICS.build(dict(type='PretextAccuracy')))
    evaluator.process(samples)
    metrics = evaluator.evaluate(2)
    assert list(metrics) == [f'{name}/acc']
    flags = torch.cat([ds.get(f'pred_{name}') == ds.get(f'gt_{name}')
                       for ds in samples])
    assert metrics[f'{name}/acc'] == pytest.approx(flags.float().mean())


def test_tensor_mode_gives_untransformed_maps(pretext_model, batch):
    _, model = pretext_model
    data = model.data_preprocessor(batch(n=2), False)
    model.eval()
    with torch.no_grad():
        feats = model(**data, mode='tensor')
        direct = model.backbone(
            **{k: v.flatten(0, 1) for k, v in data['inputs'].items()})
    model.train()
    assert [f.shape[1] for f in feats] == list(OUT)
    for a, b in zip(feats, direct):
        assert torch.equal(a, b)


def test_head_must_match_the_pretext():
    with pytest.raises(ValueError, match='num_classes=2'):
        MODELS.build(model_cfg('rotation', num_classes=2))
    with pytest.raises(ValueError, match="name='ctp'"):
        MODELS.build(model_cfg('aot', name='ctp'))
    with pytest.raises(ValueError, match='identifier'):
        MODELS.build(dict(type='PretextClsHead', in_channels=OUT,
                          num_classes=2, name='a b'))


def test_rotation_needs_square_clips(batch):
    model = MODELS.build(model_cfg('rotation'))
    data = model.data_preprocessor(batch(n=1), True)
    data['inputs'] = {k: v[..., :SIZE // 2] for k, v in
                      data['inputs'].items()}
    with pytest.raises(ValueError, match='square'):
        model(**data, mode='loss')


def test_head_logs_its_name():
    head = MODELS.build(dict(type='PretextClsHead', in_channels=(4, 2),
                             num_classes=3, name='rotation',
                             hidden_channels=5))
    feats = (torch.randn(6, 4, 1, 2, 2), torch.randn(6, 2, 2, 2, 2))
    out = head.loss(feats, torch.tensor([0, 1, 2, 0, 1, 2]))
    assert set(out) == {'loss_rotation', 'acc_rotation'}
    assert head(feats).shape == torch.Size([6, 3])
    assert head.predict(feats).shape == torch.Size([6])
