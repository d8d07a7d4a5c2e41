"""What the self-supervised models share.

Every one (:class:`BaseStreamSelfSup`): a data preprocessor for a dict of
stream tensors, built in mmaction's registry, and the ``forward`` modes.
Those on the IMR backbone (:class:`BaseIMRSelfSup`): a backbone called as
``backbone(**inputs)``, folding the views of a clip into the batch, the
number of GOPs of a batch and ``extract_feat``. The pretext (targets,
heads, losses, predictions) is the subclass's.
"""
from abc import abstractmethod
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

__all__ = [
    'BaseStreamSelfSup', 'BaseIMRSelfSup', 'DEFAULT_PREPROCESSOR',
    'RGB_PREPROCESSOR', 'build_preprocessor', 'stream_preprocessors',
    'check_choice'
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


def check_choice(name: str, value, choices: Sequence) -> None:
    """Raise ``ValueError`` naming the argument when ``value`` is not one of
    ``choices``."""
    if value not in choices:
        raise ValueError(f'{name} must be one of {tuple(choices)}, got '
                         f'{value!r}')


class BaseStreamSelfSup(BaseModel):
    """A self-supervised model on a dict of stream tensors.

    It builds its data preprocessor in mmaction's registry (the subclass's
    default when the config gives none) and dispatches ``forward``:
    ``'tensor'`` to :meth:`extract_feat`, ``'loss'`` to :meth:`loss` and,
    for a subclass whose :attr:`forward_modes` name it, ``'predict'`` to
    ``predict``. Any other mode is a ``RuntimeError``.

    Args:
        data_preprocessor (dict | nn.Module, optional): None for
            ``default_preprocessor``.
        init_cfg (dict, optional): mmengine init config.
        default_preprocessor (dict): the subclass's default preprocessor
            config.
    """

    #: The modes :meth:`forward` accepts.
    forward_modes: Tuple[str, ...] = ('tensor', 'loss')

    def __init__(self, data_preprocessor: Union[Dict, torch.nn.Module, None],
                 init_cfg: Optional[Dict], default_preprocessor: Dict) -> None:
        super().__init__(
            data_preprocessor=build_preprocessor(data_preprocessor,
                                                 default_preprocessor),
            init_cfg=init_cfg)

    @abstractmethod
    def extract_feat(self, inputs: Dict[str, torch.Tensor]):
        """The model's features of ``inputs`` (``'tensor'`` mode)."""

    @abstractmethod
    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, torch.Tensor]:
        """Named losses (and logged accuracies) of a training batch."""

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        """``'tensor'``: :meth:`extract_feat`; ``'loss'``: dict of losses;
        ``'predict'`` (when in :attr:`forward_modes`): data samples with the
        pretext predictions."""
        if mode not in self.forward_modes:
            raise RuntimeError(
                f'Invalid mode "{mode}": {type(self).__name__} supports '
                f'{", ".join(self.forward_modes)}')
        if mode == 'tensor':
            return self.extract_feat(inputs)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        return self.predict(inputs, data_samples)


class BaseIMRSelfSup(BaseStreamSelfSup):
    """Backbone + pretext, the layout of mmpretrain's ``BaseSelfSupervisor``.

    Inputs are a dict of stream tensors, ``[N, M, C, T', H, W]`` after the
    data preprocessor (``M`` views per clip) or ``[N, C, T', H, W]``; views
    are folded into the batch like ``MMRecognizer3D`` does. ``T`` (GOPs) is
    the number of I-frames in ``imgs``. ``forward`` takes the ``'tensor'``,
    ``'loss'`` and ``'predict'`` modes.

    Subclasses implement :meth:`loss` (named losses) and :meth:`predict`
    (pretext predictions on the data samples, see :meth:`_set_fields`).

    Args:
        backbone (dict): e.g. ``dict(type='IMRResNet3d', ...)``.
        data_preprocessor (dict, optional): defaults to
            :data:`DEFAULT_PREPROCESSOR`.
        init_cfg (dict, optional): mmengine init config.
    """

    forward_modes = ('tensor', 'loss', 'predict')

    def __init__(self,
                 backbone: Dict,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(data_preprocessor, init_cfg, DEFAULT_PREPROCESSOR)
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
    def predict(self, inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None
                ) -> List[BaseDataElement]:
        """Data samples carrying the pretext predictions and targets."""
