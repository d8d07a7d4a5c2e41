"""InfoNCE (MoCo v2) on the IMR network: a baseline pretext of the paper's
Table 3 (docs/selfsup.md, "InfoNCE")."""
from typing import Dict, List, Optional

import torch
from mmengine.structures import BaseDataElement

from mmaction.registry import MODELS
from mmaction_imr.pretext import contrast_logits, info_nce
from .base import BaseStreamSelfSup, stream_preprocessors
from .momentum import (FeatureQueue, ProjectionHead, momentum_copy,
                       momentum_update, pool_embedding, split_views)

__all__ = ['IMRInfoNCE']

#: The IMR streams: ImageNet RGB statistics for the I-frames, the measured
#: std of the P streams (as configs/_base_/models/imr_preprocessor.py).
DEFAULT_PREPROCESSOR = stream_preprocessors(
    motion_vectors=dict(mean=[0., 0.], std=[2.72, 2.72]),
    residuals=dict(mean=[0., 0., 0.], std=[9.19, 9.19, 9.19]))


@MODELS.register_module()
class IMRInfoNCE(BaseStreamSelfSup):
    """MoCo v2 on the IMR backbone: two GOP windows of a video are positives.

    Inputs (after the data preprocessor): a dict of stream tensors
    ``[B, 2, C, T, H, W]`` (``SampleGOPs(num_clips=2)``: two clips of
    ``clip_len`` GOPs per video, in time order); clip 0 is the query, clip 1
    the key. The query goes through ``backbone`` and ``neck``; the key
    through their momentum copies. The embedding is the 2-layer MLP
    projection of the pooled three-pathway embedding (the backbone's
    classification features), L2-normalised; the loss is InfoNCE of the
    query against [its key | the queue], and the batch's keys are then
    enqueued (from every process under DDP).

    The backbone is the supervised model's, under the same ``backbone.``
    keys, so ``tools/convert_pretrained.py`` output loads into the IMR
    recognizer as for PMSP / CTP; the projection, the momentum copies and
    the queue are dropped. ``forward`` has no ``'predict'`` mode: evaluate
    the backbone by fine-tuning, the linear probe or retrieval.

    Args:
        backbone (dict): e.g. ``dict(type='IMRResNet3d', ...)``; called as
            ``backbone(**inputs)``.
        in_channels (int): pooled embedding size, the sum of the pathways'
            final channels (512 + 32 + 32 for R18).
        embed_dim (int): projection size. Defaults to 128.
        hidden_channels (int, optional): projection hidden width; defaults
            to ``in_channels``.
        queue_size (int): number of negative keys. Defaults to 16384.
        momentum (float): key encoder momentum. Defaults to 0.999.
        temperature (float): defaults to 0.07.
        data_preprocessor (dict, optional): defaults to a
            ``MultiModalDataPreprocessor`` of the three streams.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 backbone: Dict,
                 in_channels: int,
                 embed_dim: int = 128,
                 hidden_channels: Optional[int] = None,
                 queue_size: int = 16384,
                 momentum: float = 0.999,
                 temperature: float = 0.07,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        if not 0 <= momentum <= 1 or not temperature > 0:
            raise ValueError(f'need 0 <= momentum <= 1 and temperature > 0, '
                             f'got {momentum}, {temperature}')
        super().__init__(data_preprocessor, init_cfg, DEFAULT_PREPROCESSOR)
        self.backbone = MODELS.build(backbone)
        self.neck = ProjectionHead(in_channels, embed_dim, hidden_channels)
        self.in_channels = in_channels
        self.momentum_backbone = momentum_copy(self.backbone)
        self.momentum_neck = momentum_copy(self.neck)
        self.queue = FeatureQueue(queue_size, embed_dim)
        self.momentum, self.temperature = float(momentum), float(temperature)

    def init_weights(self) -> None:
        """Initialise (or load) the backbone, then copy it into the momentum
        encoder."""
        super().init_weights()
        momentum_update(self.backbone, self.momentum_backbone, 0.)
        momentum_update(self.neck, self.momentum_neck, 0.)

    def _pooled(self, backbone: torch.nn.Module,
                inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        pooled = pool_embedding(backbone(**inputs))
        if pooled.shape[1] != self.in_channels:
            raise ValueError(f'the backbone gives {pooled.shape[1]} pooled '
                             f'channels, IMRInfoNCE was built with '
                             f'in_channels={self.in_channels}')
        return pooled

    def extract_feat(self, inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        """Pooled three-pathway embedding ``[N(*V), C]`` before the
        projection (views folded into the batch, in order)."""
        if not isinstance(inputs, dict) or not inputs:
            raise TypeError('IMRInfoNCE expects inputs as a dict of stream '
                            'tensors (imgs, motion_vectors, residuals)')
        inputs = {k: x.flatten(0, 1) if x.ndim == 6 else x
                  for k, x in inputs.items()}
        return self._pooled(self.backbone, inputs)

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, torch.Tensor]:
        """``loss_infonce`` and the logged ``acc_infonce`` (fraction of
        queries whose nearest candidate is their own key)."""
        if not isinstance(inputs, dict) or not inputs:
            raise TypeError('IMRInfoNCE expects inputs as a dict of stream '
                            'tensors [B, 2, C, T, H, W]')
        views = {k: split_views(x) for k, x in inputs.items()}
        query = {k: v[0] for k, v in views.items()}
        key = {k: v[1] for k, v in views.items()}
        q = self.neck(self._pooled(self.backbone, query))
        with torch.no_grad():
            momentum_update(self.backbone, self.momentum_backbone,
                            self.momentum)
            momentum_update(self.neck, self.momentum_neck, self.momentum)
            k = self.momentum_neck(self._pooled(self.momentum_backbone, key))
        queue = self.queue.bank('keys')
        loss = info_nce(q, k, queue, self.temperature)
        with torch.no_grad():
            logits = contrast_logits(q, k, queue, self.temperature)
            acc = (logits.argmax(dim=1) == 0).float().mean()
        self.queue.enqueue(dict(keys=k))
        return dict(loss_infonce=loss, acc_infonce=acc)
