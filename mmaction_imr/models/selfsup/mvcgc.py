"""MVCGC: motion-vector cross-guidance contrastive learning (Huo et al.,
NeurIPS 2021), on RGB frames and motion vectors decoded on the fly."""
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.model import ModuleDict
from mmengine.structures import BaseDataElement

from mmaction.registry import MODELS
from mmaction_imr.pretext import (contrast_logits, mine_positives,
                                  multi_positive_nce, topk_mask)
from .base import BaseStreamSelfSup, check_choice, stream_preprocessors
from .momentum import (ContrastiveEncoder, FeatureQueue, momentum_copy,
                       momentum_update, split_views, video_ids)

__all__ = ['MVCGC', 'MVCGC_MODALITIES', 'MVCGC_GUIDES', 'VIDEO_ID_KEY',
           'r2plus1d_r18']

#: Modality -> the results key (stream) its encoder reads.
MVCGC_MODALITIES = {'rgb': 'imgs', 'mv': 'motion_vectors'}
#: Stage-2 positive mining: ``'intersection'`` (MVCGC: both encoders train,
#: positives in the top k of both) or the name of a frozen guide modality
#: (CoCLR's alternating variant: the other encoder trains).
MVCGC_GUIDES = ('intersection', 'rgb', 'mv')
#: Metainfo key of each data sample that identifies its source video (an
#: int, or a str such as the file name).
VIDEO_ID_KEY = 'video_id'

#: Normalisation: ImageNet statistics for RGB; mean 0 and one std for the
#: motion vectors (a flip negates u, only a zero mean keeps the normalised
#: field mirrored), the RMS of our raw-mode fields (docs/transforms.md).
DEFAULT_PREPROCESSOR = stream_preprocessors(
    motion_vectors=dict(mean=[0., 0.], std=[2.72, 2.72]))


def r2plus1d_r18(in_channels: int, **kwargs) -> Dict:
    """mmaction2's R(2+1)D-18 (``ResNet2Plus1d``) config, its settings of
    ``_base_/models/r2plus1d_r34.py`` at depth 18 with plain BN; pooled
    output 512 channels. ``in_channels``: 3 for RGB, 2 for motion vectors.
    """
    cfg = dict(
        type='ResNet2Plus1d', depth=18, in_channels=in_channels,
        pretrained=None, pretrained2d=False, norm_eval=False,
        conv_cfg=dict(type='Conv2plus1d'),
        norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
        conv1_kernel=(3, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
        inflate=(1, 1, 1, 1), spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2), zero_init_residual=False)
    cfg.update(kwargs)
    return cfg


@MODELS.register_module()
class MVCGC(BaseStreamSelfSup):
    """Two encoders, RGB and motion vectors, contrasted within and across.

    Inputs (after the data preprocessor): ``imgs`` ``[B, 2, 3, N, H, W]`` and
    ``motion_vectors`` ``[B, 2, 2, N, H, W]``: two clips (views) of each
    video; view 0 is the query, view 1 the key (MoCo). Each data sample's
    ``metainfo['video_id']`` names its video. Every encoder has a momentum
    copy (the key encoder) and the queue keeps one bank per modality and the
    video ids, index-aligned; queue entries of the query's own video are
    positives and never mined.

    * ``stage=1``: InfoNCE of one ``modality`` alone: its query against
      [its own key | its queue].
    * ``stage=2``, ``guide='intersection'`` (MVCGC): both encoders train.
      The mined positives of clip ``i`` are the queue entries in the top
      ``topk`` of its RGB query's similarity to the RGB bank AND of its MV
      query's similarity to the MV bank. ``loss_rgb``: multi-positive
      InfoNCE of the RGB query against [the clip's MV key | the MV bank],
      positives = own key + mined; ``loss_mv``: the same with RGB and MV
      swapped.
    * ``stage=2``, ``guide='rgb'`` or ``'mv'`` (CoCLR's alternating variant):
      the guide encoder is frozen (eval mode, no gradients); positives are
      the top ``topk`` of the guide's similarities, and the other encoder
      trains with a multi-positive InfoNCE against its own bank. Alternate
      by running ``guide='rgb'`` then ``guide='mv'``, each loading the last.

    Stage 2 loads each stage-1 encoder (backbone and projection head)
    through the encoder's ``init_cfg`` (``prefix='encoders.rgb.'`` /
    ``'encoders.mv.'``); the momentum copies start equal to the encoders
    after :meth:`init_weights` and the queue starts empty (its random slots
    are negatives, never mined). ``forward`` has no ``'predict'`` mode:
    evaluate the encoders with the linear probe or retrieval
    (docs/mvcgc.md).

    Args:
        rgb_encoder (dict, optional): :class:`ContrastiveEncoder` arguments
            (``backbone``, ``in_channels``, optional ``hidden_channels``,
            ``init_cfg``) for RGB. Defaults to R(2+1)D-18 on 3 channels.
        mv_encoder (dict, optional): the same for motion vectors. Defaults
            to R(2+1)D-18 on 2 channels.
        stage (int): 1 or 2. Defaults to 1.
        modality (str, optional): stage 1 only: ``'rgb'`` or ``'mv'``, the
            one encoder that is built and trained.
        guide (str): stage 2 only, one of :data:`MVCGC_GUIDES`. Defaults to
            ``'intersection'``.
        topk (int): size of each top-k set in mining. Defaults to 5.
        queue_size (int): keys per bank (2048 on UCF101, 16384 on K400 in
            the paper). Defaults to 2048.
        embed_dim (int): projection size. Defaults to 128.
        momentum (float): key encoder momentum. Defaults to 0.999.
        temperature (float): defaults to 0.07.
        data_preprocessor (dict, optional): defaults to a
            ``MultiModalDataPreprocessor`` for ``imgs`` and
            ``motion_vectors``.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 rgb_encoder: Optional[Dict] = None,
                 mv_encoder: Optional[Dict] = None,
                 stage: int = 1,
                 modality: Optional[str] = None,
                 guide: str = 'intersection',
                 topk: int = 5,
                 queue_size: int = 2048,
                 embed_dim: int = 128,
                 momentum: float = 0.999,
                 temperature: float = 0.07,
                 data_preprocessor: Optional[Dict] = None,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(data_preprocessor, init_cfg, DEFAULT_PREPROCESSOR)
        if stage == 1:
            if modality not in MVCGC_MODALITIES:
                raise ValueError(f'stage 1 trains one modality: modality must '
                                 f'be one of {tuple(MVCGC_MODALITIES)}, got '
                                 f'{modality!r}')
            modalities = (modality, )
        elif stage == 2:
            if modality is not None:
                raise ValueError(f'stage 2 trains both modalities; got '
                                 f'modality={modality!r} (use guide= for the '
                                 f'alternating variant)')
            check_choice('guide', guide, MVCGC_GUIDES)
            modalities = tuple(MVCGC_MODALITIES)
        else:
            raise ValueError(f'stage must be 1 or 2, got {stage!r}')
        if topk < 1 or not 0 <= momentum <= 1 or not temperature > 0:
            raise ValueError(f'need topk >= 1, 0 <= momentum <= 1 and '
                             f'temperature > 0, got {topk}, {momentum}, '
                             f'{temperature}')
        self.stage, self.modalities = stage, modalities
        self.guide = guide if stage == 2 else None
        self.topk, self.momentum = topk, float(momentum)
        self.temperature = float(temperature)

        cfgs = dict(
            rgb=rgb_encoder or dict(backbone=r2plus1d_r18(3), in_channels=512),
            mv=mv_encoder or dict(backbone=r2plus1d_r18(2), in_channels=512))
        self.encoders = ModuleDict({
            m: ContrastiveEncoder(embed_dim=embed_dim, **cfgs[m])
            for m in modalities
        })
        self.momentum_encoders = ModuleDict(
            {m: momentum_copy(self.encoders[m])
             for m in modalities})
        self.queue = FeatureQueue(queue_size, embed_dim, modalities)
        if self.frozen is not None:
            for param in self.encoders[self.frozen].parameters():
                param.requires_grad_(False)

    @property
    def frozen(self) -> Optional[str]:
        """The frozen guide modality (CoCLR variant), else ``None``."""
        return self.guide if self.guide in MVCGC_MODALITIES else None

    def init_weights(self) -> None:
        """Initialise (or load) the encoders, then copy them into the
        momentum encoders."""
        super().init_weights()
        for m in self.modalities:
            momentum_update(self.encoders[m], self.momentum_encoders[m], 0.)

    def train(self, mode: bool = True) -> 'MVCGC':
        """A frozen guide stays in eval mode (its BN statistics too)."""
        super().train(mode)
        if self.frozen is not None:
            self.encoders[self.frozen].eval()
            self.momentum_encoders[self.frozen].eval()
        return self

    # ------------------------------------------------------------- inputs
    def _views(self, inputs: Dict[str, torch.Tensor], modality: str
               ) -> Tuple[torch.Tensor, torch.Tensor]:
        key = MVCGC_MODALITIES[modality]
        if not isinstance(inputs, dict) or key not in inputs:
            got = sorted(inputs) if isinstance(inputs, dict) else type(inputs)
            raise KeyError(f'MVCGC ({modality}) needs inputs[{key!r}] '
                           f'[B, 2, C, N, H, W]; got {got}')
        query, key_view = split_views(inputs[key])
        return query, key_view

    @staticmethod
    def _video_ids(data_samples: Optional[List[BaseDataElement]],
                   batch: int, device: torch.device) -> torch.Tensor:
        got = None if data_samples is None else len(data_samples)
        if got != batch:
            raise ValueError(f'MVCGC needs one data sample per video (with '
                             f'metainfo[{VIDEO_ID_KEY!r}]), got {got} for '
                             f'{batch} videos')
        missing = [i for i, ds in enumerate(data_samples)
                   if VIDEO_ID_KEY not in ds.metainfo]
        if missing:
            raise KeyError(f'data samples {missing} have no '
                           f'metainfo[{VIDEO_ID_KEY!r}]: pack it with the '
                           f'dense-clip pipeline (docs/mvcgc.md)')
        return video_ids([ds.metainfo[VIDEO_ID_KEY] for ds in data_samples],
                         device)

    # -------------------------------------------------------------- API
    def extract_feat(self, inputs: Dict[str, torch.Tensor]
                     ) -> Dict[str, torch.Tensor]:
        """Pooled backbone features per modality, before the projection head.

        Args:
            inputs: ``imgs`` / ``motion_vectors`` of shape
                ``[N, C, T, H, W]`` or ``[N, V, C, T, H, W]`` (views folded
                into ``N * V``, in order).

        Returns:
            ``{'rgb': [N(*V), C_rgb], 'mv': [N(*V), C_mv]}`` for the
            modalities of this model that are in ``inputs``.
        """
        out = {}
        for m in self.modalities:
            x = inputs.get(MVCGC_MODALITIES[m])
            if x is None:
                continue
            if x.ndim == 6:
                x = x.flatten(0, 1)
            out[m] = self.encoders[m].pooled(x)
        if not out:
            raise KeyError(f'MVCGC.extract_feat needs one of '
                           f'{[MVCGC_MODALITIES[m] for m in self.modalities]}'
                           f', got {sorted(inputs)}')
        return out

    def loss(self, inputs: Dict[str, torch.Tensor],
             data_samples: Optional[List[BaseDataElement]] = None
             ) -> Dict[str, torch.Tensor]:
        """Contrastive losses of the stage: ``loss_rgb`` and / or
        ``loss_mv`` (the loss of the query of that modality), the logged
        ``acc_<m>`` (fraction of queries whose nearest candidate is a
        positive) and, in stage 2, ``num_mined`` (mined positives per
        query)."""
        queries, keys = {}, {}
        for m in self.modalities:
            q_view, k_view = self._views(inputs, m)
            if m == self.frozen:
                with torch.no_grad():
                    queries[m] = self.encoders[m](q_view)
            else:
                queries[m] = self.encoders[m](q_view)
            with torch.no_grad():
                momentum_update(self.encoders[m], self.momentum_encoders[m],
                                self.momentum)
                keys[m] = self.momentum_encoders[m](k_view)
        batch = next(iter(queries.values())).shape[0]
        ids = self._video_ids(data_samples, batch, self.queue.ids.device)
        same = self.queue.same_video(ids)  # [B, K]
        own = same.new_ones((batch, 1))
        banks = {m: self.queue.bank(m) for m in self.modalities}

        losses = {}
        if self.stage == 1:
            (m, ), pos = self.modalities, torch.cat([own, same], dim=1)
            pairs = {m: (m, pos)}  # query modality -> (key modality, pos)
        else:
            exclude = same | ~self.queue.valid()[None]
            sims = {m: queries[m].detach() @ banks[m].t()
                    for m in self.modalities}
            if self.frozen is None:
                mined = mine_positives(sims['rgb'], sims['mv'], self.topk,
                                       exclude)
            else:
                mined = topk_mask(sims[self.frozen], self.topk, exclude)
            pos = torch.cat([own, same | mined], dim=1)
            losses['num_mined'] = mined.sum(dim=1).float().mean()
            if self.frozen is None:
                pairs = {'rgb': ('mv', pos), 'mv': ('rgb', pos)}
            else:
                trained = next(m for m in self.modalities if m != self.frozen)
                pairs = {trained: (trained, pos)}
        for q_mod, (k_mod, pos) in pairs.items():
            logits = contrast_logits(queries[q_mod], keys[k_mod],
                                     banks[k_mod], self.temperature)
            losses[f'loss_{q_mod}'] = multi_positive_nce(logits, pos)
            hit = pos.gather(1, logits.argmax(dim=1, keepdim=True))
            losses[f'acc_{q_mod}'] = hit.float().mean()
        self.queue.enqueue(keys, ids)
        return losses
