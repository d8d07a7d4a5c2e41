"""Self-supervised IMRNet: PMSP + CTP pretext tasks (paper 2.2)."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.pretext import CTP_TYPES, ctp_transform, pmsp_labels

__all__ = ['IMRSelfSup']

#: ImageNet RGB statistics for the I-frames; P streams are only cast to
#: float (their scale is for the config to choose).
DEFAULT_PREPROCESSOR = dict(
    type='MultiModalDataPreprocessor',
    preprocessors=dict(
        imgs=dict(type='ActionDataPreprocessor',
                  mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                  format_shape='NCTHW'),
        motion_vectors=dict(type='ActionDataPreprocessor',
                            format_shape='NCTHW'),
        residuals=dict(type='ActionDataPreprocessor', format_shape='NCTHW')))


@MODELS.register_module()
class IMRSelfSup(BaseModel):
    """IMRNet pretrained with PMSP and / or CTP (one forward pass for both).

    The layout follows mmpretrain's ``BaseSelfSupervisor``: a backbone, the
    pretext heads, ``extract_feat`` and ``loss`` returning named losses; the
    targets are generated inside the model from the batch:

    1. Views are folded into the batch like ``MMRecognizer3D``:
       ``[N, M, C, T, H, W] -> [N*M, C, T, H, W]``. ``T`` (GOPs) is the
       number of I-frames in ``imgs`` (required) and ``kappa = T_P // T``.
    2. CTP (if ``ctp_head``): :func:`~mmaction_imr.pretext.ctp_transform`
       rearranges the GOPs of ``motion_vectors`` and ``residuals`` (after
       the data preprocessor's normalisation: GOP moves commute with it);
       the I-frames stay.
    3. PMSP (if ``pmsp_head``): :func:`~mmaction_imr.pretext.pmsp_labels`
       from the ``motion_vectors`` actually fed to the backbone, i.e. AFTER
       the CTP transform (for a 'random' clip the labels describe the other
       clip's motion, which is what the M pathway sees). Normalisation with
       one scale for u and v does not change them.
    4. ``loss = L_PMSP + ctp_loss_weight * L_CTP``.

    Randomness: the CTP draws use torch's global RNG, which mmengine seeds
    (``randomness=dict(seed=...)`` / ``tools/train.py --seed``), so a seeded
    run is reproducible; ``predict`` draws from it too (validation accuracy
    of CTP is an estimate over those draws).

    Ablations are argument values: PMSP only = ``ctp_head=None``; CTP only =
    ``pmsp_head=None``; CTP(Binary) = ``ctp_types=('aligned', 'random')``
    with ``ctp_head.num_classes=2``.

    Args:
        backbone (dict): e.g. ``dict(type='IMRResNet3d', ...)``; called as
            ``backbone(**inputs)``, returns one map per pathway.
        pmsp_head (dict, optional): ``dict(type='PMSPHead', ...)``.
        ctp_head (dict, optional): ``dict(type='CTPHead', ...)``.
        ctp_types (Sequence[str]): CTP types in label order. Defaults to
            ``('aligned', 'random', 'shuffle', 'shift')``.
        ctp_loss_weight (float): lambda. Defaults to 1.
        data_preprocessor (dict, optional): defaults to a
            ``MultiModalDataPreprocessor`` (ImageNet mean/std for ``imgs``,
            float cast for the P streams).
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 backbone: Dict,
                 pmsp_head: Optional[Dict] = None,
                 ctp_head: Optional[Dict] = None,
                 ctp_types: Sequence[str] = CTP_TYPES,
                 ctp_loss_weight: float = 1.0,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = DEFAULT_PREPROCESSOR
        if isinstance(data_preprocessor, dict):
            # mmaction's registry: mmengine's root one cannot see it without
            # a default scope
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if pmsp_head is None and ctp_head is None:
            raise ValueError('IMRSelfSup needs pmsp_head, ctp_head or both')
        self.backbone = MODELS.build(backbone)
        self.pmsp_head = MODELS.build(pmsp_head) if pmsp_head else None
        self.ctp_head = MODELS.build(ctp_head) if ctp_head else None
        self.ctp_types = tuple(ctp_types)
        if self.ctp_head is not None and \
                self.ctp_head.num_classes != len(self.ctp_types):
            raise ValueError(
                f'ctp_head.num_classes={self.ctp_head.num_classes} but '
                f'ctp_types={self.ctp_types} has {len(self.ctp_types)} types')
        self.ctp_loss_weight = float(ctp_loss_weight)

    @property
    def with_pmsp(self) -> bool:
        return self.pmsp_head is not None

    @property
    def with_ctp(self) -> bool:
        return self.ctp_head is not None

    # ------------------------------------------------------------- inputs
    @staticmethod
    def _fold_views(inputs: Dict[str, torch.Tensor]
                    ) -> Tuple[Dict[str, torch.Tensor], int]:
        """``[N, M, C, T, H, W] -> [N*M, C, T, H, W]`` (5-D passes)."""
        if not isinstance(inputs, dict) or not inputs:
            raise TypeError('IMRSelfSup expects inputs as a dict of stream '
                            'tensors (imgs, motion_vectors, residuals)')
        out, views = {}, set()
        for key, x in inputs.items():
            if x.ndim == 6:
                views.add(x.shape[1])
                x = x.reshape((-1, ) + x.shape[2:])
            elif x.ndim == 5:
                views.add(1)
            else:
                raise ValueError(f'{key} must be [N, M, C, T, H, W] or '
                                 f'[N, C, T, H, W], got {tuple(x.shape)}')
            out[key] = x
        if len(views) != 1:
            shapes = {k: tuple(v.shape) for k, v in inputs.items()}
            raise ValueError(f'streams disagree on the number of views: '
                             f'{shapes}')
        return out, views.pop()

    @staticmethod
    def _num_gops(inputs: Dict[str, torch.Tensor]) -> int:
        """T = number of I-frames; kappa = T_P // T (checked by callers)."""
        if 'imgs' not in inputs:
            raise ValueError('IMRSelfSup needs imgs (the I-frames define '
                             'the GOPs T); got ' + ', '.join(inputs))
        return int(inputs['imgs'].shape[2])

    def _pretext_batch(
        self, inputs: Dict[str, torch.Tensor]
    ) -> Tuple[Dict[str, torch.Tensor], int, Optional[torch.Tensor],
               Optional[torch.Tensor]]:
        """Apply CTP and compute the targets.

        Returns:
            ``(inputs, T, pmsp_targets [N, L] or None, ctp_targets [N] or
            None)``; ``inputs`` are what the backbone must see.
        """
        inputs = dict(inputs)
        num_gops = self._num_gops(inputs)
        ctp_targets = pmsp_targets = None
        if self.with_ctp:
            mv, res = inputs.get('motion_vectors'), inputs.get('residuals')
            if mv is None and res is None:
                raise ValueError('CTP needs motion_vectors or residuals')
            mv, res, ctp_targets = ctp_transform(mv, res, num_gops,
                                                 self.ctp_types)
            for key, x in (('motion_vectors', mv), ('residuals', res)):
                if x is not None:
                    inputs[key] = x
        if self.with_pmsp:
            if 'motion_vectors' not in inputs:
                raise ValueError('PMSP labels need the motion_vectors input')
            pmsp_targets = pmsp_labels(inputs['motion_vectors'], num_gops,
                                       self.pmsp_head.spatial,
                                       self.pmsp_head.temporal)
        return inputs, num_gops, pmsp_targets, ctp_targets

    # -------------------------------------------------------------- API
    def extract_feat(self, inputs: Dict[str, torch.Tensor]
                     ) -> Tuple[torch.Tensor, ...]:
        """Backbone maps of the untransformed clips (views folded in N)."""
        inputs, _ = self._fold_views(inputs)
        return self.backbone(**inputs)

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List[ActionDataSample]] = None
             ) -> Dict[str, torch.Tensor]:
        """``loss_pmsp``, ``loss_ctp`` (already times ``ctp_loss_weight``)
        and the logged training accuracies ``acc_pmsp``, ``acc_ctp``."""
        inputs, _ = self._fold_views(inputs)
        inputs, num_gops, pmsp_t, ctp_t = self._pretext_batch(inputs)
        feats = self.backbone(**inputs)
        losses = {}
        if self.with_pmsp:
            losses.update(self.pmsp_head.loss(feats, pmsp_t, num_gops))
        if self.with_ctp:
            ctp = self.ctp_head.loss(feats, ctp_t)
            ctp['loss_ctp'] = ctp['loss_ctp'] * self.ctp_loss_weight
            losses.update(ctp)
        return losses

    def predict(self, inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None
                ) -> List[BaseDataElement]:
        """Pretext predictions and targets, per clip, ``M`` views each.

        Sets on every data sample (``M`` = views per clip): ``pred_pmsp`` and
        ``gt_pmsp`` ``[M, L]`` long (with a PMSP head), ``pred_ctp`` and
        ``gt_ctp`` ``[M]`` long (with a CTP head). Read by
        :class:`~mmaction_imr.evaluation.PretextAccuracy`.
        """
        inputs, views = self._fold_views(inputs)
        inputs, num_gops, pmsp_t, ctp_t = self._pretext_batch(inputs)
        feats = self.backbone(**inputs)
        num_clips = feats[0].shape[0] // views
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(num_clips)]
        if len(data_samples) != num_clips:
            raise ValueError(f'{len(data_samples)} data samples for '
                             f'{num_clips} clips')
        fields = {}
        if self.with_pmsp:
            fields['pred_pmsp'] = self.pmsp_head.predict(feats, num_gops)
            fields['gt_pmsp'] = pmsp_t
        if self.with_ctp:
            fields['pred_ctp'] = self.ctp_head.predict(feats)
            fields['gt_ctp'] = ctp_t
        for name, value in fields.items():
            value = value.reshape((num_clips, views) + value.shape[1:])
            for ds, v in zip(data_samples, value):
                ds.set_field(v, name)
        return data_samples

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'
                ) -> Union[Tuple[torch.Tensor, ...], Dict[str, torch.Tensor],
                           List[BaseDataElement]]:
        """``'tensor'``: backbone maps; ``'loss'``: dict of losses;
        ``'predict'``: data samples with pretext predictions."""
        if mode == 'tensor':
            return self.extract_feat(inputs)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}": only tensor, loss and '
                           'predict are supported')
