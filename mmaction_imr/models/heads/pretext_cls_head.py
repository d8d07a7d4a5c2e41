"""A pooled-MLP classifier for any clip-level pretext (Rotation, AOT)."""
from typing import Dict, Optional, Sequence, Tuple

import torch

from mmaction.registry import MODELS
from .ctp_head import CTPHead

__all__ = ['PretextClsHead']


@MODELS.register_module()
class PretextClsHead(CTPHead):
    """:class:`CTPHead`'s MLP, named after the pretext it classifies.

    The same network as the CTP classifier (``Linear -> ReLU ->
    Linear(num_classes)`` on the concatenated pooled pathway maps, ``pool``
    as there), so every clip-level pretext of the paper's Table 3 trains
    the same head on the same embedding; only the logged names differ:
    ``loss_{name}`` and ``acc_{name}``.

    Args:
        in_channels (Sequence[int]): channels of each pathway's final map.
        num_classes (int): 4 for Rotation, 2 for AOT.
        name (str): the pretext's name in the logged keys, e.g.
            ``'rotation'``; a model sets it to its own pretext.
        hidden_channels (int): MLP hidden width. Defaults to 512.
        pool (str): ``'before'`` or ``'hidden'`` (see :class:`CTPHead`).
            Defaults to ``'before'``.
        loss_cls (dict): Defaults to ``dict(type='CrossEntropyLoss')``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 num_classes: int,
                 name: str,
                 hidden_channels: int = 512,
                 pool: str = 'before',
                 loss_cls: Dict = dict(type='CrossEntropyLoss'),
                 init_cfg: Optional[Dict] = None) -> None:
        if not name or not name.isidentifier():
            raise ValueError(f'name must be a short identifier such as '
                             f"'rotation', got {name!r}")
        super().__init__(in_channels, num_classes=num_classes,
                         hidden_channels=hidden_channels, pool=pool,
                         loss_cls=loss_cls, init_cfg=init_cfg)
        self.name = name

    def loss(self, feats: Tuple[torch.Tensor, ...],
             targets: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_{name}`` (cross-entropy, batch mean), ``acc_{name}``.

        Args:
            feats: backbone output, maps ``[N, C_i, T_i, h, w]``.
            targets: ``[N]`` long class indices.
        """
        logits = self(feats)
        loss = self.loss_cls(logits, targets)
        with torch.no_grad():
            acc = (logits.argmax(1) == targets).float().mean()
        return {f'loss_{self.name}': loss, f'acc_{self.name}': acc}
