"""Video features from a backbone: pooling, clip averaging, loading."""
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.engine.checkpoint import save_weights_only
from mmaction_imr.evaluation.features import (build_feature_model,
                                              extract_features, load_backbone,
                                              pool_features)

STREAMS = ('imgs', 'motion_vectors', 'residuals')
BACKBONE = dict(type='IMRResNet3d', depth=18, base_channels=8,
                channel_ratio=4, kappa=5)
IMR = dict(
    type='MMRecognizer3D', backbone=BACKBONE,
    cls_head=dict(type='IMRClsHead', num_classes=3,
                  in_channels=(64, 16, 16)),
    data_preprocessor=dict(
        type='MultiModalDataPreprocessor',
        preprocessors={k: dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW') for k in STREAMS}))


class _Loader(list):
    """A list of batches with the ``dataset`` length a progress bar needs."""

    def __init__(self, batches, num_videos):
        super().__init__(batches)
        self.dataset = range(num_videos)


def _sample(label):
    return ActionDataSample().set_gt_label(label)


def _imr_inputs(views, seed=0):
    g = torch.Generator().manual_seed(seed)
    return dict(
        imgs=torch.randint(0, 255, (views, 3, 2, 16, 16), generator=g,
                           dtype=torch.uint8).float(),
        motion_vectors=torch.randn(views, 2, 10, 16, 16, generator=g),
        residuals=torch.randn(views, 3, 10, 16, 16, generator=g))


def _batch(videos):
    """pseudo_collate of ``[(inputs, label)]``: dict of per-stream lists."""
    return dict(
        inputs={k: [v[k] for v, _ in videos] for k in STREAMS},
        data_samples=[_sample(label) for _, label in videos])


@pytest.fixture
def imr_model():
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(IMR)
    model.init_weights()
    return model.eval()


def test_pool_features_names_and_concat():
    maps = (torch.ones(2, 4, 3, 2, 2), torch.full((2, 1, 15, 2, 2), 2.))
    feats = pool_features(maps, ('imgs', 'motion_vectors'))
    assert list(feats) == ['embedding', 'imgs', 'motion_vectors']
    assert feats['embedding'].shape == torch.Size([2, 5])
    assert feats['embedding'][0].tolist() == [1, 1, 1, 1, 2]
    assert list(pool_features(maps)) == ['embedding', 'pathway0', 'pathway1']
    assert list(pool_features(torch.ones(2, 4, 1, 1))) == ['embedding']


def test_videos_with_different_clip_counts_are_averaged(imr_model):
    a, b, c = _imr_inputs(3, 1), _imr_inputs(1, 2), _imr_inputs(2, 3)
    loader = _Loader([_batch([(a, 0), (b, 1)]), _batch([(c, 2)])], 3)
    out = extract_features(imr_model, loader, progress=False)
    assert out.labels.tolist() == [0, 1, 2]
    assert out.num_clips.tolist() == [3, 1, 2]
    assert list(out.features) == ['embedding', *STREAMS]
    assert out.features['embedding'].shape == torch.Size([3, 96])
    assert out.features['imgs'].shape == torch.Size([3, 64])
    # video a alone, clip by clip: its feature is the mean of the clips'
    with torch.no_grad():
        maps = imr_model.backbone(**{k: v for k, v in a.items()})
    want = pool_features(maps, STREAMS)['embedding'].mean(0)
    assert torch.allclose(out.features['embedding'][0], want, atol=1e-5)
    # the embedding is the concatenation of the pathways
    assert torch.allclose(
        out.features['embedding'],
        torch.cat([out.features[k] for k in STREAMS], 1))


def test_plain_mmaction_backbone():
    init_default_scope('mmaction')
    model = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='ResNet3d', depth=18, base_channels=8,
                      pretrained=None, pretrained2d=False),
        cls_head=dict(type='I3DHead', num_classes=2, in_channels=64),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW'))).eval()
    videos = [torch.rand(2, 3, 4, 16, 16) * 255, torch.rand(1, 3, 4, 16, 16)]
    loader = _Loader([dict(inputs=videos,
                           data_samples=[_sample(0), _sample(1)])], 2)
    out = extract_features(model, loader, progress=False)
    assert list(out.features) == ['embedding']
    assert out.features['embedding'].shape == torch.Size([2, 64])


def test_load_backbone_from_converted_file_and_errors(imr_model, tmp_path):
    # a converted backbone: `backbone.*` keys only
    path = str(tmp_path / 'backbone.pth')
    save_weights_only({f'backbone.{k}': v for k, v in
                       imr_model.backbone.state_dict().items()}, path)
    torch.manual_seed(1)
    other = MODELS.build(IMR)  # PyTorch's default init: other weights
    load_backbone(other, path)
    for k, v in imr_model.backbone.state_dict().items():
        assert torch.equal(other.backbone.state_dict()[k], v), k

    # a different backbone (narrower): a clear error naming the file
    cfg = Config(dict(model=dict(
        IMR, backbone=dict(BACKBONE, base_channels=16),
        cls_head=dict(IMR['cls_head'], in_channels=(128, 16, 16)))))
    with pytest.raises(ValueError, match='backbone.pth.*do not match'):
        build_feature_model(cfg, path)
    # no backbone keys at all
    save_weights_only({'head.w': torch.ones(1)}, str(tmp_path / 'head.pth'))
    with pytest.raises(ValueError, match="no key starts with 'backbone.'"):
        load_backbone(other, str(tmp_path / 'head.pth'))


def test_load_backbone_from_selfsup_checkpoint_trust_policy(imr_model,
                                                            tmp_path):
    from mmaction_imr.engine.checkpoint import UntrustedCheckpointError
    torch.manual_seed(2)
    selfsup = MODELS.build(dict(
        type='IMRSelfSup', backbone=BACKBONE,
        pmsp_head=dict(type='PMSPHead', in_channels=(64, 16, 16),
                       hidden_channels=8)))
    # an mmengine-like training checkpoint: a full pickle (an object in
    # its meta), with pretext-head keys beside the backbone's
    path = str(tmp_path / 'epoch_1.pth')
    torch.save(dict(state_dict=selfsup.state_dict(),
                    meta=dict(obj=torch.nn.Identity())), path)
    with pytest.raises(UntrustedCheckpointError, match='trust-checkpoint'):
        load_backbone(imr_model, path)
    load_backbone(imr_model, path, trust=True)  # the heads are ignored
    for k, v in selfsup.backbone.state_dict().items():
        assert torch.equal(imr_model.backbone.state_dict()[k], v), k
