"""Self-supervised IMRNet: PMSP + CTP pretext tasks (paper 2.2)."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.structures import BaseDataElement

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.pretext import CTP_TYPES, ctp_transform, pmsp_labels
from ..heads.pmsp_head import PMSP_LOSS_REDUCTIONS
from .base import BaseIMRSelfSup, check_choice

__all__ = ['IMRSelfSup', 'PMSP_LABEL_SOURCES']

#: Which motion vectors the PMSP labels describe: ``'fed'`` = those the
#: backbone sees (after the CTP transform), ``'clip'`` = the clip's own
#: (before it).
PMSP_LABEL_SOURCES = ('fed', 'clip')

@MODELS.register_module()
class IMRSelfSup(BaseIMRSelfSup):
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
       from the ``motion_vectors`` named by ``pmsp_label_source``:

       * ``'fed'`` (default): those actually fed to the backbone, i.e.
         AFTER the CTP transform. For a 'random' clip the labels describe
         the other clip's motion, which is what the M pathway sees, so the
         M pathway alone can solve PMSP.
       * ``'clip'``: the clip's own, BEFORE the CTP transform (the other
         reading of the paper's ``L_PMSP`` on ``x^(i)``). Identical for
         'aligned' clips; for 'random', 'shuffle' and 'shift' clips the
         labels of the windows that the transform changes describe motion
         the M pathway does not see at that place and time, so the network
         has to tell (from the I-frames) which motion belongs to the clip.

       Normalisation with one scale for u and v changes neither.
    4. ``loss = L_PMSP + ctp_loss_weight * L_CTP`` with ``L_PMSP`` the sum
       (``pmsp_loss_reduction='sum'``, the paper's formula) or the mean
       (``'mean'``) of the cross-entropies of the ``L`` label columns (27
       by default: 9 levels x positions). At initialisation the sum is
       about 40 x ``L_CTP``; the mean is on the scale of one cross-entropy.

    Logged values are the terms of the total, as optimised:
    ``loss_pmsp`` is ``L_PMSP`` after the reduction, and ``loss_ctp`` is
    ``ctp_loss_weight * L_CTP``, i.e. already multiplied by the weight (at
    chance, ``ctp_loss_weight=27`` logs about ``27 * ln 4 = 37.4``); divide
    by the weight to compare it with a cross-entropy. The keys are the same
    for every option: ``loss_pmsp``, ``acc_pmsp``, ``loss_ctp``,
    ``acc_ctp``.

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
        ctp_loss_weight (float): lambda; multiplies ``loss_ctp`` before it
            is logged and summed. Defaults to 1.
        pmsp_loss_reduction (str): ``'sum'`` or ``'mean'`` over the PMSP
            label columns, see 4. Defaults to ``'sum'``.
        pmsp_label_source (str): ``'fed'`` or ``'clip'``, see 3. Defaults
            to ``'fed'``.
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
                 pmsp_loss_reduction: str = 'sum',
                 pmsp_label_source: str = 'fed',
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(backbone, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if pmsp_head is None and ctp_head is None:
            raise ValueError('IMRSelfSup needs pmsp_head, ctp_head or both')
        check_choice('pmsp_loss_reduction', pmsp_loss_reduction,
                     PMSP_LOSS_REDUCTIONS)
        check_choice('pmsp_label_source', pmsp_label_source,
                     PMSP_LABEL_SOURCES)
        self.pmsp_head = MODELS.build(pmsp_head) if pmsp_head else None
        self.ctp_head = MODELS.build(ctp_head) if ctp_head else None
        self.ctp_types = tuple(ctp_types)
        if self.ctp_head is not None and \
                self.ctp_head.num_classes != len(self.ctp_types):
            raise ValueError(
                f'ctp_head.num_classes={self.ctp_head.num_classes} but '
                f'ctp_types={self.ctp_types} has {len(self.ctp_types)} types')
        self.ctp_loss_weight = float(ctp_loss_weight)
        self.pmsp_loss_reduction = pmsp_loss_reduction
        self.pmsp_label_source = pmsp_label_source

    @property
    def with_pmsp(self) -> bool:
        return self.pmsp_head is not None

    @property
    def with_ctp(self) -> bool:
        return self.ctp_head is not None

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
        if self.with_pmsp and 'motion_vectors' not in inputs:
            raise ValueError('PMSP labels need the motion_vectors input')
        if self.with_pmsp and self.pmsp_label_source == 'clip':
            pmsp_targets = self._pmsp_targets(inputs, num_gops)
        if self.with_ctp:
            mv, res = inputs.get('motion_vectors'), inputs.get('residuals')
            if mv is None and res is None:
                raise ValueError('CTP needs motion_vectors or residuals')
            mv, res, ctp_targets = ctp_transform(mv, res, num_gops,
                                                 self.ctp_types)
            for key, x in (('motion_vectors', mv), ('residuals', res)):
                if x is not None:
                    inputs[key] = x
        if self.with_pmsp and self.pmsp_label_source == 'fed':
            pmsp_targets = self._pmsp_targets(inputs, num_gops)
        return inputs, num_gops, pmsp_targets, ctp_targets

    def _pmsp_targets(self, inputs: Dict[str, torch.Tensor],
                      num_gops: int) -> torch.Tensor:
        """PMSP labels ``[N, L]`` of ``inputs['motion_vectors']``."""
        return pmsp_labels(inputs['motion_vectors'], num_gops,
                           self.pmsp_head.spatial, self.pmsp_head.temporal)

    # -------------------------------------------------------------- API
    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List[ActionDataSample]] = None
             ) -> Dict[str, torch.Tensor]:
        """``loss_pmsp`` (reduced by ``pmsp_loss_reduction``),
        ``loss_ctp`` (already times ``ctp_loss_weight``: the logged value is
        the weighted term) and the logged training accuracies
        ``acc_pmsp``, ``acc_ctp``."""
        inputs, _ = self._fold_views(inputs)
        inputs, num_gops, pmsp_t, ctp_t = self._pretext_batch(inputs)
        feats = self.backbone(**inputs)
        losses = {}
        if self.with_pmsp:
            losses.update(self.pmsp_head.loss(
                feats, pmsp_t, num_gops, reduction=self.pmsp_loss_reduction))
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
        fields = {}
        if self.with_pmsp:
            fields['pred_pmsp'] = self.pmsp_head.predict(feats, num_gops)
            fields['gt_pmsp'] = pmsp_t
        if self.with_ctp:
            fields['pred_ctp'] = self.ctp_head.predict(feats)
            fields['gt_ctp'] = ctp_t
        return self._set_fields(data_samples, fields,
                                feats[0].shape[0] // views, views)
