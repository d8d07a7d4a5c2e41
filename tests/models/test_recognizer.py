"""mmaction's stock MMRecognizer3D end to end with the IMR backbone and
head, built from configs/_base_/models/imr_r18.py (dict inputs
[N, M, C, T, H, W])."""
import os.path as osp

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(ROOT, 'configs', '_base_', 'models', 'imr_r18.py')
KAPPA, T, HW, NUM_CLASSES = 2, 2, 32, 4


def _model():
    init_default_scope('mmaction')
    cfg = Config.fromfile(CFG)
    cfg.model.backbone.update(base_channels=16, kappa=KAPPA)
    cfg.model.cls_head.update(in_channels=(128, 8, 8),
                              num_classes=NUM_CLASSES, topk=(1, ))
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def _data(n, views, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = dict(
        imgs=[torch.randint(0, 256, (views, 3, T, HW, HW), generator=g,
                            dtype=torch.uint8) for _ in range(n)],
        motion_vectors=[torch.randn(views, 2, T * KAPPA, HW, HW, generator=g)
                        for _ in range(n)],
        residuals=[20 * torch.randn(views, 3, T * KAPPA, HW, HW, generator=g)
                   for _ in range(n)])
    samples = [ActionDataSample().set_gt_label(i % NUM_CLASSES)
               for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


def test_loss_mode_and_train_step():
    model = _model()
    assert type(model).__name__ == 'MMRecognizer3D'
    data = model.data_preprocessor(_data(2, 1), training=True)
    assert data['inputs']['motion_vectors'].shape == (2, 1, 2, T * KAPPA, HW,
                                                      HW)
    losses = model(**data, mode='loss')
    assert losses['loss_cls'] > 0
    losses['loss_cls'].backward()
    assert model.backbone.stages[0]['residuals'].conv1.conv.weight.grad \
        is not None
    from mmengine.optim import OptimWrapper
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log_vars = model.train_step(_data(2, 1), optim)
    assert 'loss' in log_vars


def test_predict_three_crops_averages_softmax():
    model = _model().eval()
    data = model.data_preprocessor(_data(2, 3), training=False)
    inputs = {k: v.clone() for k, v in data['inputs'].items()}
    with torch.no_grad():
        preds = model(**data, mode='predict')
        # the same crops one by one: [N*M, C, T, H, W], sample-major
        flat = {k: v.reshape((-1, ) + v.shape[2:]) for k, v in inputs.items()}
        scores = model.cls_head(model.backbone(**flat))
    expected = F.softmax(scores, 1).view(2, 3, NUM_CLASSES).mean(1)
    assert len(preds) == 2
    for p, e in zip(preds, expected):
        assert torch.allclose(p.pred_score, e, atol=1e-6)
        assert p.pred_label.item() == e.argmax().item()
    # test_step (what the runner calls) takes the raw batch
    out = model.test_step(_data(2, 3))
    assert out[0].pred_score.shape == (NUM_CLASSES, )
