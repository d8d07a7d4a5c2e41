"""StreamBackbones + LateFusionHead in mmaction2's MMRecognizer3D: one
backbone per stream, probabilities averaged; weight layout and merging."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.engine.checkpoint import save_weights_only
from mmaction_imr.engine.convert import merge_weights
from mmaction_imr.models.backbones import StreamBackbones
from mmaction_imr.models.heads import LateFusionHead

R2PLUS1D = dict(type='ResNet2Plus1d', depth=18, pretrained=None,
                pretrained2d=False, base_channels=8,
                conv_cfg=dict(type='Conv2plus1d'),
                norm_cfg=dict(type='BN3d'), conv1_kernel=(3, 7, 7),
                conv1_stride_t=1, pool1_stride_t=1, inflate=(1, 1, 1, 1),
                spatial_strides=(1, 2, 2, 2), temporal_strides=(1, 2, 2, 2))
HEAD = dict(type='I3DHead', num_classes=4, in_channels=64,
            dropout_ratio=0., average_clips='prob')


def recognizer(streams=None, weights=None):
    init_default_scope('mmaction')
    preprocessors = dict(
        imgs=dict(type='ActionDataPreprocessor', mean=[0.] * 3, std=[1.] * 3,
                  format_shape='NCTHW'),
        motion_vectors=dict(type='ActionDataPreprocessor', mean=[0.] * 2,
                            std=[1.] * 2, format_shape='NCTHW'))
    return MODELS.build(dict(
        type='MMRecognizer3D',
        backbone=dict(type='StreamBackbones',
                      backbones=dict(rgb=dict(R2PLUS1D, in_channels=3),
                                     mv=dict(R2PLUS1D, in_channels=2)),
                      inputs=dict(rgb='imgs', mv='motion_vectors'),
                      streams=streams),
        cls_head=dict(type='LateFusionHead', heads=dict(rgb=HEAD, mv=HEAD),
                      weights=weights, streams=streams),
        data_preprocessor=dict(type='MultiModalDataPreprocessor',
                               preprocessors=preprocessors))).eval()


def batch(n=2, views=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = dict(
        imgs=[torch.rand(views, 3, 4, 16, 16, generator=g) * 255
              for _ in range(n)],
        motion_vectors=[torch.randn(views, 2, 4, 16, 16, generator=g)
                        for _ in range(n)])
    samples = [ActionDataSample().set_gt_label(i % 4) for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def test_weights_are_named_per_stream():
    keys = recognizer().state_dict().keys()
    assert any(k.startswith('backbone.rgb.conv1.') for k in keys)
    assert any(k.startswith('backbone.mv.conv1.') for k in keys)
    assert {k for k in keys if k.startswith('cls_head.')} == {
        f'cls_head.heads.{m}.fc_cls.{p}' for m in ('rgb', 'mv')
        for p in ('weight', 'bias')}
    rgb_only = recognizer(streams=('rgb', )).state_dict().keys()
    assert not any('.mv.' in k for k in rgb_only)
    assert set(rgb_only) < set(keys)


def test_prediction_is_the_weighted_mean_of_each_streams_probabilities():
    model = recognizer(weights=dict(rgb=3., mv=1.))
    data = model.data_preprocessor(batch(), False)
    # [N, V, C, T, H, W] -> [N * V, ...] (MMRecognizer3D reshapes in place)
    views = {k: v.flatten(0, 1) for k, v in data['inputs'].items()}
    with torch.no_grad():
        fused = model(**data, mode='predict')
        maps = model.backbone(**views)
        probs = []
        for name, x in zip(('rgb', 'mv'), maps):
            # 3 views per video: softmax per view, then the views' mean
            scores = model.cls_head.heads[name](x)
            probs.append(F.softmax(scores, 1).view(2, 3, 4).mean(1))
    expected = 0.75 * probs[0] + 0.25 * probs[1]
    got = torch.stack([ds.pred_score for ds in fused])
    torch.testing.assert_close(got, expected)
    torch.testing.assert_close(got.sum(1), torch.ones(2))


def test_one_stream_is_that_stream_alone():
    """A one-stream model predicts what the same weights in the two-stream
    model predict with the other stream's weight at zero."""
    both = recognizer(weights=dict(rgb=1., mv=0.))
    rgb = recognizer(streams=('rgb', ))
    rgb.load_state_dict(both.state_dict(), strict=False)
    data = both.data_preprocessor(batch(seed=1), False)
    with torch.no_grad():
        a = both(**data, mode='predict')
        b = rgb(**rgb.data_preprocessor(batch(seed=1), False),
                mode='predict')
    torch.testing.assert_close(torch.stack([d.pred_score for d in a]),
                               torch.stack([d.pred_score for d in b]))


def test_training_sums_the_streams_losses_and_logs_each():
    model = recognizer().train()
    data = model.data_preprocessor(batch(views=1), True)
    losses = model(**data, mode='loss')
    assert {'rgb.loss_cls', 'mv.loss_cls', 'rgb.top1_acc',
            'mv.top1_acc'} <= set(losses)
    total, _ = model.parse_losses(losses)
    torch.testing.assert_close(total,
                               losses['rgb.loss_cls'] + losses['mv.loss_cls'])
    total.backward()
    # each stream's loss reaches only its own backbone
    assert model.backbone.rgb.conv1.conv.conv_s.weight.grad is not None
    assert model.backbone.mv.conv1.conv.conv_s.weight.grad is not None


def test_bad_arguments():
    with pytest.raises(ValueError, match='same streams'):
        StreamBackbones(dict(rgb=dict(R2PLUS1D, in_channels=3)),
                        dict(mv='motion_vectors'))
    with pytest.raises(ValueError, match='among'):
        StreamBackbones(dict(rgb=dict(R2PLUS1D, in_channels=3)),
                        dict(rgb='imgs'), streams=('flow', ))
    with pytest.raises(ValueError, match="average_clips='prob'"):
        LateFusionHead(dict(rgb=dict(HEAD, average_clips='score'), mv=HEAD))
    with pytest.raises(ValueError, match='weights'):
        LateFusionHead(dict(rgb=HEAD, mv=HEAD), weights=dict(rgb=1.))
    with pytest.raises(ValueError, match='positive sum'):
        LateFusionHead(dict(rgb=HEAD, mv=HEAD), weights=dict(rgb=0., mv=0.))
    net = StreamBackbones(dict(mv=dict(R2PLUS1D, in_channels=2)),
                          dict(mv='motion_vectors'))
    with pytest.raises(KeyError, match='motion_vectors'):
        net(imgs=torch.zeros(1, 3, 4, 16, 16))


def test_merging_two_single_stream_checkpoints(tmp_path):
    both = recognizer()
    state = both.state_dict()
    paths = []
    for m in ('rgb', 'mv'):
        part = {k: v for k, v in state.items() if f'.{m}.' in k}
        paths.append(str(tmp_path / f'{m}.pth'))
        save_weights_only(part, paths[-1])
    keys = merge_weights(paths, str(tmp_path / 'both.pth'))
    assert sorted(keys) == sorted(state)
    merged = torch.load(tmp_path / 'both.pth', weights_only=True)
    fresh = recognizer()
    fresh.load_state_dict(merged['state_dict'], strict=True)
    for k, v in fresh.state_dict().items():
        assert torch.equal(v, state[k]), k
    with pytest.raises(ValueError, match='in both'):
        merge_weights([paths[0], paths[0]], str(tmp_path / 'x.pth'))
    with pytest.raises(ValueError, match='at least two'):
        merge_weights(paths[:1], str(tmp_path / 'x.pth'))


def test_each_backbone_loads_its_init_cfg_strictly(tmp_path):
    """mmaction2's ResNet3d ignores init_cfg; StreamBackbones loads it."""
    init_default_scope('mmaction')
    src = MODELS.build(dict(R2PLUS1D, in_channels=2))
    path = str(tmp_path / 'mvcgc.pth')
    save_weights_only({f'encoders.mv.backbone.{k}': v
                       for k, v in src.state_dict().items()}, path)

    def build(prefix):
        return StreamBackbones(
            dict(mv=dict(R2PLUS1D, in_channels=2, init_cfg=dict(
                type='Pretrained', checkpoint=path, prefix=prefix))),
            dict(mv='motion_vectors'))

    net = build('encoders.mv.backbone.')
    net.init_weights()
    for k, v in src.state_dict().items():
        assert torch.equal(net.mv.state_dict()[k], v), k
    with pytest.raises(ValueError, match="no key starts with 'encoders.rgb"):
        build('encoders.rgb.backbone.').init_weights()
    with pytest.raises(ValueError, match='do not match'):
        StreamBackbones(
            dict(mv=dict(R2PLUS1D, in_channels=3, init_cfg=dict(
                type='Pretrained', checkpoint=path,
                prefix='encoders.mv.backbone.'))),
            dict(mv='motion_vectors')).init_weights()
