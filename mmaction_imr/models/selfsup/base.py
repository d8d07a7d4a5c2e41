"""What every self-supervised model on the IMR backbone shares.

A backbone called as ``backbone(**inputs)`` on a dict of stream tensors,
the default data preprocessor, folding the views of a clip into the batch,
the number of GOPs of a batch, ``extract_feat`` and the ``forward`` modes.
The pretext (targets, heads, losses, predictions) is the subclass's.
"""
from abc import abstractmethod
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

__all__ = [
    'BaseIMRSelfSup', 'DEFAULT_PREPROCESSOR', 'RGB_PREPROCESSOR',
    'build_preprocessor', 'stream_preprocessors'
]

#: ImageNet RGB statistics, for the I-frames (or every decoded frame).
RGB_PREPROCESSOR = dict(
    type='ActionDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    format_shape='NCTHW')


def stream_preprocessors(**streams: Dict) -> Dict:
    """A ``MultiModalDataPreprocessor`` config: ``imgs`` with
    :data:`RGB_PREPROCESSOR`, then each stream of ``streams`` with an
    ``ActionDataPreprocessor`` (``NCTHW``) of the given arguments, e.g.
    ``motion_vectors=dict(mean=[0., 0.], std=[2.72, 2.72])``."""
    return dict(
        type='MultiModalDataPreprocessor',
        preprocessors=dict(
            imgs=RGB_PREPROCESSOR, **{
                key: dict(type='ActionDataPreprocessor', format_shape='NCTHW',
                          **args)
                for key, args in streams.items()
            }))


#: P streams only cast to float (their scale is for the config to choose).
DEFAULT_PREPROCESSOR = stream_preprocessors(motion_vectors={}, residuals={})


def build_preprocessor(cfg: Union[Dict, torch.nn.Module, None],
                       default: Dict) -> torch.nn.Module:
    """Build a model's data preprocessor in mmaction's registry.

    mmengine's ``BaseModel`` would build a dict in its root registry, which
    cannot see mmaction's preprocessors without a default scope.

    Args:
        cfg: the model's ``data_preprocessor`` argument: a config, a built
            module, or None for ``default``.
        default: the model's own default config.

    Returns:
        The preprocessor module.
    """
    if cfg is None:
        cfg = default
    return MODELS.build(cfg) if isinstance(cfg, dict) else cfg


class BaseIMRSelfSup(BaseModel):
    """Backbone + pretext, the layout of mmpretrain's ``BaseSelfSupervisor``.

    Inputs are a dict of stream tensors, ``[N, M, C, T', H, W]`` after the
    data preprocessor (``M`` views per clip) or ``[N, C, T', H, W]``; views
    are folded into the batch like ``MMRecognizer3D`` does. ``T`` (GOPs) is
    the number of I-frames in ``imgs``.

    Subclasses implement :meth:`loss` (named losses) and :meth:`predict`
    (pretext predictions on the data samples, see :meth:`_set_fields`).

    Args:
        backbone (dict): e.g. ``dict(type='IMRResNet3d', ...)``.
        data_preprocessor (dict, optional): defaults to
            :data:`DEFAULT_PREPROCESSOR`.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 backbone: Dict,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(
            data_preprocessor=build_preprocessor(data_preprocessor,
                                                 DEFAULT_PREPROCESSOR),
            init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)

    # ------------------------------------------------------------- inputs
    @staticmethod
    def _fold_views(inputs: Dict[str, torch.Tensor]
                    ) -> Tuple[Dict[str, torch.Tensor], int]:
        """``[N, M, C, T, H, W] -> [N*M, C, T, H, W]`` (5-D passes)."""
        if not isinstance(inputs, dict) or not inputs:
            raise TypeError('a self-supervised IMR model expects inputs as a '
                            'dict of stream tensors (imgs, motion_vectors, '
                            'residuals)')
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
            raise ValueError('self-supervised IMR models need imgs (the '
                             'I-frames define the GOPs T); got ' +
                             ', '.join(inputs))
        return int(inputs['imgs'].shape[2])

    @staticmethod
    def _set_fields(data_samples: Optional[List[BaseDataElement]],
                    fields: Dict[str, torch.Tensor], num_clips: int,
                    views: int) -> List[BaseDataElement]:
        """Put per-view values ``[N*M, ...]`` on the clips' data samples as
        ``[M, ...]`` (new :class:`ActionDataSample` when None)."""
        if data_samples is None:
            data_samples = [ActionDataSample() for _ in range(num_clips)]
        if len(data_samples) != num_clips:
            raise ValueError(f'{len(data_samples)} data samples for '
                             f'{num_clips} clips')
        for name, value in fields.items():
            value = value.reshape((num_clips, views) + value.shape[1:])
            for ds, v in zip(data_samples, value):
                ds.set_field(v, name)
        return data_samples

    # -------------------------------------------------------------- API
    def extract_feat(self, inputs: Dict[str, torch.Tensor]
                     ) -> Tuple[torch.Tensor, ...]:
        """Backbone maps of the untransformed clips (views folded in N)."""
        inputs, _ = self._fold_views(inputs)
        return self.backbone(**inputs)

    @abstractmethod
    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List[ActionDataSample]] = None
             ) -> Dict[str, torch.Tensor]:
        """Named losses (and logged accuracies) of a training batch."""

    @abstractmethod
    def predict(self, inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None
                ) -> List[BaseDataElement]:
        """Data samples carrying the pretext predictions and targets."""

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
