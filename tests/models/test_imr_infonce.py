"""IMRInfoNCE: MoCo v2 on the IMR backbone, two GOP windows of a video."""
import pytest
import torch

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.pretext import info_nce

T, KAPPA, SIZE = 2, 2, 32
# IMRResNet3d at a tiny width: I 8 channels, P 2; pooled 64 + 16 + 16
BACKBONE = dict(type='IMRResNet3d', depth=18, base_channels=8,
                channel_ratio=4, kappa=KAPPA)
IN_CHANNELS = 96


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread: tiny convolutions on a loaded 2-core machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _model(**kwargs):
    cfg = dict(type='IMRInfoNCE', backbone=BACKBONE, in_channels=IN_CHANNELS,
               queue_size=8, embed_dim=16)
    cfg.update(kwargs)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _batch(n=2, seed=0):
    """What SampleGOPs(num_clips=2) + PackActionInputs + pseudo_collate give
    the data preprocessor: ``[2, C, T', H, W]`` per video."""
    g = torch.Generator().manual_seed(seed)
    inputs = dict(imgs=[], motion_vectors=[], residuals=[])
    for _ in range(n):
        inputs['imgs'].append(torch.randint(
            0, 255, (2, 3, T, SIZE, SIZE), generator=g).to(torch.uint8))
        inputs['motion_vectors'].append(torch.randint(
            -3, 4, (2, 2, T * KAPPA, SIZE, SIZE), generator=g).float())
        inputs['residuals'].append(torch.randn(2, 3, T * KAPPA, SIZE, SIZE,
                                               generator=g))
    return dict(inputs=inputs,
                data_samples=[ActionDataSample() for _ in range(n)])


def test_loss_step_and_queue():
    model = _model()
    data = model.data_preprocessor(_batch(), True)
    assert data['inputs']['imgs'].shape == (2, 2, 3, T, SIZE, SIZE)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_infonce', 'acc_infonce'}
    # 1 + 8 candidates, near chance at initialisation: about log 9
    assert 0 < losses['loss_infonce'].item() < 20
    losses['loss_infonce'].backward()
    assert model.backbone.stages[0]['imgs'].conv1.conv.weight.grad is not None
    assert model.neck.mlp[0].weight.grad is not None
    assert all(p.grad is None for p in model.momentum_backbone.parameters())
    # the keys of clip 1 are in the queue, in batch order
    assert model.queue.filled.item() == 2 and model.queue.ptr.item() == 2


def test_loss_is_info_nce_of_query_and_momentum_key():
    model = _model(momentum=1.)  # the key encoder stays as it is
    data = model.data_preprocessor(_batch(), True)
    inputs = data['inputs']
    queue = model.queue.bank('keys')
    model.eval()  # BN on running statistics: the same result twice
    losses = model.loss(inputs)
    with torch.no_grad():
        query = {k: x[:, 0] for k, x in inputs.items()}
        key = {k: x[:, 1] for k, x in inputs.items()}
        q = model.neck(model.extract_feat(query))
        k = model.momentum_neck(model._pooled(model.momentum_backbone, key))
    torch.testing.assert_close(losses['loss_infonce'],
                               info_nce(q, k, queue, 0.07))
    torch.testing.assert_close(model.queue.bank('keys')[:2], k)


def test_momentum_update_and_init_copy():
    model = _model(momentum=0.5)
    # init_weights made the key encoder a copy of the online one
    for p_o, p_t in zip(model.backbone.parameters(),
                        model.momentum_backbone.parameters()):
        torch.testing.assert_close(p_o, p_t)
    with torch.no_grad():
        for p in model.neck.parameters():
            p.add_(2.)
    before = [p.clone() for p in model.momentum_neck.parameters()]
    data = model.data_preprocessor(_batch(), True)
    model(**data, mode='loss')
    for p_t, p_b, p_o in zip(model.momentum_neck.parameters(), before,
                             model.neck.parameters()):
        torch.testing.assert_close(p_t, 0.5 * p_b + 0.5 * p_o)


def test_extract_feat_and_backbone_keys():
    model = _model()
    data = model.data_preprocessor(_batch(n=3), True)
    feats = model(data['inputs'], mode='tensor')
    assert feats.shape == torch.Size([6, IN_CHANNELS])  # views folded
    # the backbone keeps the supervised model's `backbone.` keys, so
    # tools/convert_pretrained.py output loads into the recognizer
    keys = model.state_dict()
    assert any(k.startswith('backbone.stages.') for k in keys)
    assert all(k.startswith(('backbone.', 'neck.', 'momentum_', 'queue.'))
               for k in keys)


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match='temperature'):
        _model(temperature=0.)
    with pytest.raises(ValueError, match='in_channels=95'):
        model = _model(in_channels=95)
        data = model.data_preprocessor(_batch(), True)
        model.loss(data['inputs'])
    model = _model()
    data = model.data_preprocessor(_batch(), True)
    one_view = {k: x[:, :1] for k, x in data['inputs'].items()}
    with pytest.raises(ValueError, match='two views'):
        model.loss(one_view)
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(data['inputs'], mode='predict')


def test_stream_preprocessors_config():
    from mmaction_imr.models.selfsup.base import (RGB_PREPROCESSOR,
                                                  stream_preprocessors)
    cfg = stream_preprocessors(motion_vectors=dict(mean=[0., 0.],
                                                   std=[2.72, 2.72]))
    assert cfg['type'] == 'MultiModalDataPreprocessor'
    assert list(cfg['preprocessors']) == ['imgs', 'motion_vectors']
    assert cfg['preprocessors']['imgs'] is RGB_PREPROCESSOR
    assert cfg['preprocessors']['motion_vectors'] == dict(
        type='ActionDataPreprocessor', format_shape='NCTHW', mean=[0., 0.],
        std=[2.72, 2.72])
