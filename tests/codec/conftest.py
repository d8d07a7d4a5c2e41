"""Small synthetic videos for the codec tests (written with PyAV)."""
import numpy as np
import pytest

from mmaction_imr.prepare.writer import EncodeSpec, write_video

#: The paper's format and an H.264 stream with B-frames (DESIGN.md 2).
SPECS = {
    'mpeg4': EncodeSpec(),
    'h264': EncodeSpec(codec='libx264', gop_size=250, max_b_frames=3,
                       options={'preset': 'fast'}),
}
SQUARE = 48  # covers >= 2 whole macroblocks, so its centre has clean MVs
SPEED = 3  # px per frame, to the right


def texture(rng, h, w):
    """Smooth grey texture, 0..255 (grey: no chroma sub-pel blur)."""
    import cv2
    t = cv2.GaussianBlur(rng.random((h, w), np.float32), (0, 0), 1.5)
    t = (t - t.min()) / (t.max() - t.min()) * 255
    return np.repeat(t.astype(np.uint8)[..., None], 3, axis=2)


def square_frames(n, h, w, speed=SPEED, seed=0):
    """A textured square moving ``speed`` px/frame right over a static
    textured background. Returns ``[n, h, w, 3]`` uint8 and the square's
    top-left corners ``[(x, y)]``."""
    rng = np.random.default_rng(seed)
    bg, sq = texture(rng, h, w), texture(rng, SQUARE, SQUARE)
    frames, corners = [], []
    y = (h - SQUARE) // 2
    for t in range(n):
        f = bg.copy()
        x = 20 + speed * t
        f[y:y + SQUARE, x:x + SQUARE] = sq
        frames.append(f)
        corners.append((x, y))
    return np.stack(frames), corners


@pytest.fixture(scope='session')
def synth(tmp_path_factory):
    """``synth(codec, n=25, h=96, w=192, speed=3) -> (path, frames,
    corners)``, cached per argument set."""
    root = tmp_path_factory.mktemp('synth')
    cache = {}

    def make(codec='mpeg4', n=25, h=96, w=192, speed=SPEED):
        key = (codec, n, h, w, speed)
        if key not in cache:
            frames, corners = square_frames(n, h, w, speed)
            path = str(root / f'{codec}_{n}_{h}x{w}_{speed}.mp4')
            write_video(path, frames, fps=30, spec=SPECS[codec])
            cache[key] = path, frames, corners
        return cache[key]

    return make
