"""Tests of mmaction_imr/apis/inference.py on a real small MPEG-4 video."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.logging import HistoryBuffer

from mmaction.structures import ActionDataSample
from mmaction_imr.apis import (PMSPResult, inference_pmsp,
                               inference_recognizer, init_model, prepare_clip)
from mmaction_imr.engine.checkpoint import trust_checkpoints
from mmaction_imr.pretext import pmsp_labels


def test_init_model_loads_the_checkpoint(recognizer_files, recognizer_cfg):
    cfg, ckpt, ref = recognizer_files
    model = init_model(cfg, ckpt)
    assert not model.training and isinstance(model.cfg, Config)
    for (k, v), w in zip(ref.state_dict().items(),
                         model.state_dict().values()):
        assert torch.equal(v, w), k
    # a loaded Config works too, and cfg_options are merged first
    model = init_model(Config.fromfile(cfg), None,
                       cfg_options={'model.cls_head.num_classes': 7})
    assert model.cls_head.num_classes == 7
    with pytest.raises(TypeError, match='Config'):
        init_model(dict(model=recognizer_cfg))


def test_init_model_keeps_the_trust_policy(recognizer_files, tmp_path):
    cfg, _, ref = recognizer_files
    # a full pickle (what a training run writes: HistoryBuffer in the meta)
    # outside any trusted place is refused, as by every mmengine load
    full = tmp_path / 'full.pth'
    torch.save({'state_dict': ref.state_dict(),
                'message_hub': {'loss': HistoryBuffer()}}, str(full))
    with pytest.raises(pickle.UnpicklingError):
        init_model(cfg, str(full))
    with trust_checkpoints([str(full)]):
        model = init_model(cfg, str(full))
    assert torch.equal(next(iter(model.state_dict().values())),
                       next(iter(ref.state_dict().values())))


class _Payload:
    """Unpickling it runs code: it creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (__import__('os').system, (f'touch {self.marker}', ))


def test_init_model_never_runs_a_crafted_checkpoint(recognizer_files,
                                                    tmp_path, monkeypatch):
    cfg, _, ref = recognizer_files
    monkeypatch.delenv('MMACTION_IMR_TRUSTED_CHECKPOINTS', raising=False)
    marker = tmp_path / 'ran'
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': ref.state_dict(),
                'meta': {'x': _Payload(marker)}}, str(evil))
    with pytest.raises(pickle.UnpicklingError, match='evil.pth'):
        init_model(cfg, str(evil))
    assert not marker.exists()


def test_inference_recognizer_runs_the_test_pipeline(recognizer_files,
                                                     video, test_pipeline):
    cfg, ckpt, _ = recognizer_files
    model = init_model(cfg, ckpt)
    result = inference_recognizer(model, video)
    assert isinstance(result, ActionDataSample)
    assert result.pred_score.shape == torch.Size([4])
    assert torch.isclose(result.pred_score.sum(), torch.tensor(1.))
    assert int(result.pred_label) == int(result.pred_score.argmax())
    # the clip is the config's test clip: 3 crops of 5 GOPs, 32 px
    data = prepare_clip(model, video)
    assert data['inputs']['imgs'][0].shape == torch.Size([3, 3, 5, 32, 32])
    assert data['inputs']['imgs'][0].dtype == torch.uint8
    assert data['inputs']['motion_vectors'][0].shape == torch.Size(
        [3, 2, 25, 32, 32])
    # deterministic, and a given pipeline replaces the config's
    again = inference_recognizer(model, video, Compose(test_pipeline))
    assert torch.equal(again.pred_score, result.pred_score)
    # the weights matter (not a freshly built model)
    other = init_model(cfg, None)
    assert not torch.allclose(
        inference_recognizer(other, video).pred_score, result.pred_score)


def test_inference_errors(recognizer_files, recognizer_cfg, video,
                          tmp_path):
    cfg, ckpt, _ = recognizer_files
    model = init_model(cfg, ckpt)
    with pytest.raises(FileNotFoundError, match='missing.mp4'):
        inference_recognizer(model, str(tmp_path / 'missing.mp4'))
    with pytest.raises(ValueError, match='not an IMRSelfSup'):
        inference_pmsp(model, video)
    no_pipeline = tmp_path / 'no_pipeline.py'
    no_pipeline.write_text(f'model = {recognizer_cfg!r}\n')
    with pytest.raises(ValueError, match='no `test_pipeline`'):
        inference_recognizer(init_model(str(no_pipeline)), video)


def test_inference_pmsp_cells_where_the_motion_is(selfsup_files, video):
    cfg, ckpt, _ = selfsup_files
    model = init_model(cfg, ckpt)
    res = inference_pmsp(model, video)
    assert isinstance(res, PMSPResult)
    assert res.imgs.shape == (3, 5, 32, 32, 3) and res.imgs.dtype == np.uint8
    assert res.gt_labels.shape == res.pred_labels.shape == (3, 27)
    assert len(res.levels) == 27 and res.spatial == (2, 3, 4)
    # the square moves in the bottom-right quarter only: every 2x2 level
    # picks that cell, whose box is the quarter of the 32 x 32 crop
    for k, lv in enumerate(res.levels):
        if lv.s == 2:
            assert (res.gt_labels[:, k] == 3).all(), lv
            assert (res.gt_boxes[:, k] == (16, 16, 32, 32)).all()
    assert (res.gt_boxes[..., 2] > 16).all() and \
        (res.gt_boxes[..., 3] > 16).all()
    assert res.pred_boxes.shape == (3, 27, 4)
    assert 0 <= res.accuracy <= 1
    # ground truth = the labels of the clip's own motion vectors
    data = prepare_clip(model, video)
    mv = data['inputs']['motion_vectors'][0].float()
    assert np.array_equal(res.gt_labels, pmsp_labels(mv, 5).numpy())
    # predictions = the head on the backbone of the untransformed clip
    batch = model.data_preprocessor(data, False)
    with torch.no_grad():
        pred = model.pmsp_head.predict(model.extract_feat(batch['inputs']),
                                       5)
    assert np.array_equal(res.pred_labels, pred.numpy())


def test_inference_pmsp_needs_the_streams(selfsup_files, video,
                                          test_pipeline):
    cfg, ckpt, _ = selfsup_files
    model = init_model(cfg, ckpt)
    pipeline = test_pipeline
    pipeline[2] = dict(pipeline[2], streams=('imgs', 'residuals'))
    pipeline[-1] = dict(pipeline[-1], collect_keys=('imgs', 'residuals'))
    with pytest.raises(ValueError, match='motion_vectors'):
        inference_pmsp(model, video, Compose(pipeline))
