"""Clip-level baseline pretexts on the IMR network: Rotation and AOT.

Both are "transform the clip, then say which transform": one draw per clip
from a pure function of :mod:`mmaction_imr.pretext`, the backbone on the
transformed clip, a :class:`~mmaction_imr.models.heads.PretextClsHead` on
the pooled pathway maps, cross-entropy (docs/selfsup.md, "Baseline
pretexts").
"""
from abc import abstractmethod
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.structures import BaseDataElement

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction_imr.pretext import (AOT_CLASSES, ROTATION_ANGLES, aot_transform,
                                  rotation_transform)
from .base import BaseIMRSelfSup

__all__ = ['IMRTransformPretext', 'IMRRotationSelfSup', 'IMRAOTSelfSup']


class IMRTransformPretext(BaseIMRSelfSup):
    """Base of the clip-level classification pretexts.

    Subclasses name the pretext (:attr:`pretext`, the key of its logged
    loss / accuracy and of its predictions), its number of classes
    (:attr:`num_classes`) and implement :meth:`transform`.

    The transform runs on the data preprocessor's output (normalised
    streams): the plugin's preprocessor gives ``motion_vectors`` a zero mean
    and one std shared by u and v, with which rotating and negating vectors
    commute. A preprocessor with a non-zero MV mean, or different stds for
    u and v, would make the transformed field differ from the field of the
    transformed motion.

    Logged: ``loss_{pretext}``, ``acc_{pretext}``. ``predict`` sets
    ``pred_{pretext}`` and ``gt_{pretext}`` ``[M]`` long on each data sample
    (``M`` views), read by :class:`~mmaction_imr.evaluation.PretextAccuracy`
    (``{pretext}/acc``). The draws use torch's global RNG, which mmengine
    seeds, so a seeded run repeats; the validation accuracy is an estimate
    over the validation draws.

    Args:
        backbone (dict): e.g. ``dict(type='IMRResNet3d', ...)``.
        head (dict): ``dict(type='PretextClsHead', in_channels=...)``;
            ``num_classes`` and ``name`` default to the pretext's and must
            equal them when given.
        data_preprocessor (dict, optional): defaults to
            :data:`~mmaction_imr.models.selfsup.base.DEFAULT_PREPROCESSOR`.
        init_cfg (dict, optional): mmengine init config.
    """
    #: Name of the pretext in logged keys and prediction fields.
    pretext: str = ''
    #: Number of classes of the pretext.
    num_classes: int = 0

    def __init__(self,
                 backbone: Dict,
                 head: Dict,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(backbone, data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        head = dict(head)
        for key, value in (('name', self.pretext),
                           ('num_classes', self.num_classes)):
            if head.setdefault(key, value) != value:
                raise ValueError(f'{type(self).__name__}: head {key}='
                                 f'{head[key]!r}, the pretext needs {value!r}')
        self.head = MODELS.build(head)

    @abstractmethod
    def transform(self, inputs: Dict[str, torch.Tensor]
                  ) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        """``(transformed inputs, labels [N] long)`` of a folded batch."""

    def _forward_pretext(
        self, inputs: Dict[str, torch.Tensor]
    ) -> Tuple[Tuple[torch.Tensor, ...], torch.Tensor, int]:
        """Fold views, transform, run the backbone: ``(feats, targets,
        views)``."""
        inputs, views = self._fold_views(inputs)
        inputs, targets = self.transform(inputs)
        return self.backbone(**inputs), targets, views

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List[ActionDataSample]] = None
             ) -> Dict[str, torch.Tensor]:
        """``loss_{pretext}`` (cross-entropy) and the logged
        ``acc_{pretext}`` of the batch's draws."""
        feats, targets, _ = self._forward_pretext(inputs)
        return self.head.loss(feats, targets)

    def predict(self, inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None
                ) -> List[BaseDataElement]:
        """``pred_{pretext}`` and ``gt_{pretext}`` ``[M]`` long per clip."""
        feats, targets, views = self._forward_pretext(inputs)
        fields = {f'pred_{self.pretext}': self.head.predict(feats),
                  f'gt_{self.pretext}': targets}
        return self._set_fields(data_samples, fields,
                                feats[0].shape[0] // views, views)


@MODELS.register_module()
class IMRRotationSelfSup(IMRTransformPretext):
    """Rotation prediction (4-way) on the IMR network (paper Table 3).

    Each clip turns by 0, 90, 180 or 270 degrees, uniformly drawn; all
    three streams turn together and the motion vectors turn as vectors
    (:func:`~mmaction_imr.pretext.rotation_transform`). Needs square crops.
    Logged ``loss_rotation``, ``acc_rotation``; metric ``rotation/acc``
    (chance 0.25).
    """
    pretext = 'rotation'
    num_classes = len(ROTATION_ANGLES)

    def transform(self, inputs: Dict[str, torch.Tensor]
                  ) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        return rotation_transform(inputs)


@MODELS.register_module()
class IMRAOTSelfSup(IMRTransformPretext):
    """Arrow of time (binary: forward / backward) on the IMR network.

    Half of the clips, uniformly drawn, are reversed: GOP and frame order
    reversed, motion vectors negated, residuals reversed in order
    (:func:`~mmaction_imr.pretext.aot_transform`). Logged ``loss_aot``,
    ``acc_aot``; metric ``aot/acc`` (chance 0.5).
    """
    pretext = 'aot'
    num_classes = len(AOT_CLASSES)

    def transform(self, inputs: Dict[str, torch.Tensor]
                  ) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        return aot_transform(inputs)
