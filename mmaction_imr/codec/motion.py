"""Dense motion-vector fields and motion compensation (numpy + cv2 only).

FFmpeg exports one record per block (``flags2=+export_mvs``) with fields
``source, w, h, src_x, src_y, dst_x, dst_y, flags, motion_x, motion_y,
motion_scale``: the block of size ``w x h`` centred on ``(dst_x, dst_y)`` in
the current frame is predicted from ``src = dst + motion / motion_scale`` in
the reference frame, a past one when ``source < 0``, a future one when
``source > 0``.

Our dense field (docs/design.md#motion-vector-convention),
``[H, W, 2]`` float32 ``(u, v)`` in pixels: the forward displacement, per
one frame of distance, from where the content was in the previous frame to
``(x, y)``: ``(dst - src) / d_past`` for a past reference,
``(src - dst) / d_future`` for a future one, the past one where a block has
both, 0 for intra blocks. The same sign and scale as forward optical flow
``prev -> cur``.

Everything is vectorised: blocks are painted on a grid of ``cell x cell``
pixel cells (``cell`` = the gcd of block sizes and positions, 8 for H.264
and MPEG-4 4MV, 16 for MPEG-4 16x16 only) with numpy fancy indexing, then the
grid is upsampled with ``np.repeat`` and cropped to the frame, so sizes not
divisible by 16 work and blocks are clipped at the borders.

Fields can also be rasterised straight at another output size (the size the
network sees, see :func:`parse_motion_vectors`'s ``size``): each output
pixel takes the cell under its centre and the vectors are scaled to output
pixels, which equals resizing the native field with nearest sampling and
rescaling its values, without building the native field.
"""
from dataclasses import dataclass
from typing import Optional, Tuple

import cv2
import numpy as np

__all__ = ['BlockMotion', 'parse_motion_vectors', 'dense_flow',
           'pixel_grid', 'warp', 'remap_nearest', 'accumulate_step',
           'predict_blocks', 'predict_along']


@dataclass
class BlockMotion:
    """Block motion of one frame on a grid of ``cell x cell`` pixel cells.

    Attributes:
        height: Height in pixels of the fields it makes (the frame's, or
            the output size given to :func:`parse_motion_vectors`).
        width: Width in pixels of the fields it makes.
        cell: Cell size in pixels of the coded frame.
        past: ``[Hc, Wc, 2]`` float32, codec vectors ``src - dst`` (pixels
            of the output size) towards the past reference; 0 where
            ``past_mask`` is False.
        past_mask: ``[Hc, Wc]`` bool, cells predicted from the past.
        future: ``[Hc, Wc, 2]`` float32, ``src - dst`` towards the future
            reference; 0 where ``future_mask`` is False.
        future_mask: ``[Hc, Wc]`` bool, cells predicted from the future.
        rows: ``[height]`` int, the cell row under each output row's centre,
            or None at the frame's own size (cells are then repeated).
        cols: ``[width]`` int, the cell column under each output column.
    """
    height: int
    width: int
    cell: int
    past: np.ndarray
    past_mask: np.ndarray
    future: np.ndarray
    future_mask: np.ndarray
    rows: Optional[np.ndarray] = None
    cols: Optional[np.ndarray] = None

    def upsample(self, cells: np.ndarray) -> np.ndarray:
        """``[Hc, Wc, ...]`` cell values -> ``[H, W, ...]`` pixel values."""
        if self.rows is not None:
            # np.take along each axis: the same gather as
            # cells[:, cols][rows], about 15x faster for float fields
            # (1280x720 to 455x256: 0.26 vs 4.3 ms, per-frame hot path)
            return np.take(np.take(cells, self.cols, axis=1), self.rows,
                           axis=0)
        c = self.cell
        if c > 1:
            # Columns first: the row repeat then copies whole rows, about
            # 1.7x faster than rows first (per-frame hot path).
            cells = np.repeat(np.repeat(cells, c, axis=1), c, axis=0)
        return cells[:self.height, :self.width]


def _paint(grid: np.ndarray, mask: np.ndarray, cx0: np.ndarray,
           cy0: np.ndarray, cw: np.ndarray, ch: np.ndarray,
           values: np.ndarray) -> None:
    """Paint blocks (in cell units) with ``values`` ``[nb, 2]`` into grid."""
    if len(cx0) == 0:
        return
    hc, wc = mask.shape
    if (cw == 1).all() and (ch == 1).all():
        # Fast path (one cell per block, e.g. MPEG-4 16x16 macroblocks):
        # same cells and same last-wins order as the general path.
        ok = (cy0 >= 0) & (cy0 < hc) & (cx0 >= 0) & (cx0 < wc)
        grid[cy0[ok], cx0[ok]] = values[ok]
        mask[cy0[ok], cx0[ok]] = True
        return
    ncell = cw * ch
    blk = np.repeat(np.arange(len(cx0)), ncell)
    first = np.cumsum(ncell) - ncell
    local = np.arange(len(blk)) - np.repeat(first, ncell)
    cy = cy0[blk] + local // cw[blk]
    cx = cx0[blk] + local % cw[blk]
    ok = (cy >= 0) & (cy < hc) & (cx >= 0) & (cx < wc)
    cy, cx, blk = cy[ok], cx[ok], blk[ok]
    grid[cy, cx] = values[blk]
    mask[cy, cx] = True


def _cell_index(out_len: int, in_len: int, cell: int) -> np.ndarray:
    """``[out_len]`` cell index under each output pixel's centre.

    Output pixel ``i`` covers input pixels ``[i, i + 1) * in_len / out_len``;
    its centre falls in input pixel ``floor((i + 0.5) * in_len / out_len)``.
    """
    src = ((np.arange(out_len) + 0.5) * (in_len / out_len)).astype(np.int64)
    return np.minimum(src, in_len - 1) // cell


def parse_motion_vectors(
        mvs: Optional[np.ndarray],
        height: int,
        width: int,
        size: Optional[Tuple[int, int]] = None) -> BlockMotion:
    """Rasterise FFmpeg's motion-vector records onto a cell grid.

    Args:
        mvs: Structured array from
            ``frame.side_data.get('MOTION_VECTORS').to_ndarray()``, or None
            (no vectors: an intra frame).
        height: Frame height in pixels.
        width: Frame width in pixels.
        size: Output ``(width, height)`` of the fields, None for the frame's
            own. The vectors are scaled by ``(out_w / width, out_h /
            height)`` (pixels of the output) and each output pixel reads
            the cell under its centre.

    Returns:
        The :class:`BlockMotion` (codec vectors, not yet divided by the
        reference distance).
    """
    out_w, out_h = (width, height) if size is None else size
    resized = (out_w, out_h) != (width, height)

    def block_motion(cell, *fields):
        if not resized:
            return BlockMotion(height, width, cell, *fields)
        return BlockMotion(out_h, out_w, cell, *fields,
                           rows=_cell_index(out_h, height, cell),
                           cols=_cell_index(out_w, width, cell))

    if mvs is None or len(mvs) == 0:
        cell = 16
        hc, wc = -(-height // cell), -(-width // cell)
        zero = np.zeros((hc, wc, 2), np.float32)
        none = np.zeros((hc, wc), bool)
        return block_motion(cell, zero, none, zero.copy(), none.copy())
    w = mvs['w'].astype(np.int64)
    h = mvs['h'].astype(np.int64)
    x0 = mvs['dst_x'].astype(np.int64) - w // 2
    y0 = mvs['dst_y'].astype(np.int64) - h // 2
    cell = int(np.gcd.reduce(np.concatenate([w, h, np.abs(x0), np.abs(y0),
                                             [16]])))
    hc, wc = -(-height // cell), -(-width // cell)
    scale = mvs['motion_scale'].astype(np.float32)
    scale[scale == 0] = 1
    vec = np.stack([mvs['motion_x'] / scale, mvs['motion_y'] / scale],
                   axis=1).astype(np.float32)  # src - dst, pixels
    if resized:
        vec *= np.array([out_w / width, out_h / height], np.float32)
    fields = []
    for is_dir in (mvs['source'] < 0, mvs['source'] > 0):
        grid = np.zeros((hc, wc, 2), np.float32)
        mask = np.zeros((hc, wc), bool)
        _paint(grid, mask, x0[is_dir] // cell, y0[is_dir] // cell,
               w[is_dir] // cell, h[is_dir] // cell, vec[is_dir])
        fields += [grid, mask]
    return block_motion(cell, *fields)


def dense_flow(motion: BlockMotion, dist_past: int = 1,
               dist_future: int = 1) -> np.ndarray:
    """The dense field of our convention (see the module docstring).

    Args:
        motion: Block motion of the frame.
        dist_past: Frames from the past reference to this frame (``>= 1``).
        dist_future: Frames from this frame to the future reference.

    Returns:
        ``[H, W, 2]`` float32 ``(u, v)``, pixels per frame, forward.
    """
    cells = np.where(motion.future_mask[..., None],
                     motion.future / float(dist_future), 0)
    cells = np.where(motion.past_mask[..., None],
                     motion.past / -float(dist_past), cells)
    return motion.upsample(cells.astype(np.float32))


def pixel_grid(height: int, width: int) -> np.ndarray:
    """``[H, W, 2]`` float32 ``(x, y)`` coordinates of each pixel."""
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32),
                         np.arange(height, dtype=np.float32))
    return np.stack([xs, ys], axis=-1)


def warp(image: np.ndarray, grid: np.ndarray, disp: np.ndarray,
         nearest: bool = False,
         map_buf: Optional[np.ndarray] = None) -> np.ndarray:
    """Sample ``image`` at ``grid + disp`` (backward warping, ``cv2.remap``).

    Args:
        image: ``[H, W, C]`` image or field (uint8 or float32).
        grid: ``[H, W, 2]`` from :func:`pixel_grid`.
        disp: ``[H, W, 2]`` float32, where each output pixel reads, relative
            to itself (pixels).
        nearest: Nearest-neighbour instead of bilinear sampling (for
            piecewise-constant vector fields).
        map_buf: Optional ``[H, W, 2]`` float32 scratch array for the
            sampling map (saves an allocation per call; overwritten).

    Returns:
        The warped array, same shape and dtype as ``image``; reads outside
        the frame repeat the border.
    """
    coords = (grid + disp if map_buf is None else
              np.add(grid, disp, out=map_buf))
    return cv2.remap(image, coords, None,
                     cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


def remap_nearest(field: np.ndarray, coords: np.ndarray) -> np.ndarray:
    """Nearest-neighbour ``cv2.remap`` of a ``[H, W, 2]`` float32 field.

    Nearest sampling only copies pixels, so the field is remapped as its
    bytes viewed as ``[H, W, 4]`` uint16: cv2 moves that about 2x faster
    than two float32 channels, with the same bits out (the per-frame hot
    path of accumulation).

    Args:
        field: ``[H, W, 2]`` float32.
        coords: ``[H, W, 2]`` float32 absolute ``(x, y)`` to read from;
            reads outside the frame repeat the border.

    Returns:
        ``[H, W, 2]`` float32, a new array.
    """
    h, w = field.shape[:2]
    src = np.ascontiguousarray(field, np.float32).view(np.uint16)
    out = cv2.remap(src.reshape(h, w, 4), coords, None, cv2.INTER_NEAREST,
                    borderMode=cv2.BORDER_REPLICATE)
    return out.view(np.float32).reshape(h, w, 2)


def accumulate_step(back: Optional[np.ndarray], flow: np.ndarray,
                    grid: np.ndarray,
                    map_buf: Optional[np.ndarray] = None) -> np.ndarray:
    """Chain one frame of motion onto an accumulated backward field.

    ``back`` maps frame ``t-1`` to the GOP's I-frame: the content at ``x`` in
    frame ``t-1`` was at ``x + back(x)`` in the I-frame. With ``flow`` of
    frame ``t`` (our forward convention, content at ``x`` in ``t`` was at
    ``x - flow(x)`` in ``t-1``) the new field is
    ``back_t(x) = -flow(x) + back(x - flow(x))`` (CoViAR's accumulation,
    nearest sampling because block fields are piecewise constant).

    One nearest remap of the previous field per frame, with the sampling
    map ``grid - flow`` and the subtraction done by cv2 into preallocated
    arrays; bit-identical to ``warp(back, grid, -flow, nearest=True) -
    flow``.

    Args:
        back: ``[H, W, 2]`` float32 accumulated backward field of ``t-1``,
            or None for the GOP's first P-frame (a zero field).
        flow: ``[H, W, 2]`` float32 forward field of frame ``t``.
        grid: ``[H, W, 2]`` from :func:`pixel_grid`.
        map_buf: Optional ``[H, W, 2]`` float32 scratch for the sampling
            map (overwritten).

    Returns:
        ``[H, W, 2]`` float32 accumulated backward field of frame ``t``;
        ``back`` itself when ``flow`` is all zero.
    """
    if back is None:
        return -flow
    if not flow.any():
        return back  # remap at integer coordinates is the identity
    coords = cv2.subtract(grid, flow, dst=map_buf)
    out = remap_nearest(back, coords)
    return cv2.subtract(out, flow, dst=out)


def _average(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rounded mean of two uint8 predictions, as codecs average them."""
    return ((a.astype(np.uint16) + b + 1) >> 1).astype(np.uint8)


def predict_blocks(motion: BlockMotion, grid: np.ndarray,
                   past: Optional[np.ndarray], future: Optional[np.ndarray],
                   map_buf: Optional[np.ndarray] = None) -> np.ndarray:
    """Motion-compensated prediction of a frame from its block motion.

    Each cell is predicted the way its block says: from the past reference
    along ``motion.past``, from the future one along ``motion.future``, the
    rounded mean of both where a block has both (bi-prediction), and the
    past reference unmoved where it has neither (intra blocks: the residual
    there is the frame difference).

    Args:
        motion: Block motion of the frame (codec vectors ``src - dst``).
        grid: ``[H, W, 2]`` from :func:`pixel_grid`.
        past: ``[H, W, 3]`` uint8 past reference, or None.
        future: ``[H, W, 3]`` uint8 future reference, or None.
        map_buf: Optional ``[H, W, 2]`` float32 scratch (see :func:`warp`).

    Returns:
        ``[H, W, 3]`` uint8 prediction; a new array unless it is ``past``
        itself (all-zero past vectors and no future blocks).

    Raises:
        ValueError: neither reference is given.
    """
    if past is None and future is None:
        raise ValueError('predict_blocks needs a past or a future reference')
    if past is not None and not motion.past.any():
        # All-zero vectors: remap at integer coordinates returns the
        # reference unchanged (bit-exact), so skip it. pred is not written
        # in place below (np.where makes a new array first).
        pred = past
    elif past is not None:
        pred = warp(past, grid, motion.upsample(motion.past), map_buf=map_buf)
    else:
        pred = future
    if future is not None and motion.future_mask.any():
        fpred = warp(future, grid, motion.upsample(motion.future),
                     map_buf=map_buf)
        if past is None:
            only_future = motion.future_mask
            both = np.zeros_like(only_future)
        else:
            only_future = motion.future_mask & ~motion.past_mask
            both = motion.future_mask & motion.past_mask
        pred = np.where(motion.upsample(only_future)[..., None], fpred, pred)
        if both.any():
            both = motion.upsample(both)
            pred[both] = _average(pred[both], fpred[both])
    return pred


def predict_along(flow: np.ndarray, grid: np.ndarray, past: np.ndarray,
                  future: np.ndarray, dist_past: int, dist_future: int,
                  map_buf: Optional[np.ndarray] = None) -> np.ndarray:
    """Bi-prediction along a per-frame field (MPEG-4 direct-mode style).

    The content at ``x`` moved ``flow(x)`` per frame, so it was at
    ``x - dist_past * flow`` in the past reference and will be at
    ``x + dist_future * flow`` in the future one; the prediction is the
    rounded mean of both reads.

    Args:
        flow: ``[H, W, 2]`` float32 forward field, pixels per frame.
        grid: ``[H, W, 2]`` from :func:`pixel_grid`.
        past: ``[H, W, 3]`` uint8 past reference.
        future: ``[H, W, 3]`` uint8 future reference.
        dist_past: Frames from the past reference to this frame (``>= 1``).
        dist_future: Frames from this frame to the future reference.
        map_buf: Optional ``[H, W, 2]`` float32 scratch (see :func:`warp`).

    Returns:
        ``[H, W, 3]`` uint8 prediction.
    """
    a = warp(past, grid, flow * -float(dist_past), map_buf=map_buf)
    b = warp(future, grid, flow * float(dist_future), map_buf=map_buf)
    return _average(a, b)
