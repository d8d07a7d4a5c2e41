"""Byte-mutated videos: only CompressedVideoError or valid arrays come out.

The loop runs in a child process with a generous timeout, so a hang (or a
crash inside FFmpeg) fails the test instead of stalling the suite; the
decoder never waits for data on a regular file, so the timeout is only a
guard and not part of what is measured.
"""
import json
import subprocess
import sys

import numpy as np
import pytest

from mmaction_imr.prepare.writer import EncodeSpec, write_video

SEED = 0
COPIES = 100  # per source video
# Mutated bytes per copy, and how often a copy is also cut short.
MAX_FLIPS, CUT_RATE = 8, 0.2

_CHILD = r'''
import json, sys
import numpy as np
from mmaction_imr.codec import CompressedVideoError, index_gops, read_clip

escaped, rejected, valid = [], 0, 0
for path in sys.argv[1:]:
    try:
        index = index_gops(path, 'auto')
        clip = read_clip(path, np.arange(min(index.num_gops, 2)), kappa=3,
                         index=index)
    except CompressedVideoError as err:
        assert err.filename == path and str(err).startswith(path + ': ')
        rejected += 1
        continue
    except Exception as err:  # what the test is looking for
        escaped.append(f'{path}: {type(err).__name__}: {err}')
        continue
    t, h, w = len(clip.imgs), index.height, index.width
    ok = (clip.imgs.shape == (t, h, w, 3) and clip.imgs.dtype == np.uint8
          and clip.motion_vectors.shape == (3 * t, h, w, 2)
          and clip.residuals.shape == (3 * t, h, w, 3)
          and np.isfinite(clip.motion_vectors).all()
          and np.isfinite(clip.residuals).all())
    if not ok:
        escaped.append(f'{path}: invalid arrays')
    valid += 1
print(json.dumps(dict(escaped=escaped, rejected=rejected, valid=valid)))
'''


def _frames(n=26, h=32, w=48):
    rng = np.random.default_rng(SEED)
    base = rng.integers(0, 256, (h, w + n, 3), dtype=np.uint8)
    return [base[:, t:t + w] for t in range(n)]


@pytest.fixture(scope='module')
def mutants(tmp_path_factory):
    """``COPIES`` mutated copies of each of three tiny sources."""
    root = tmp_path_factory.mktemp('fuzz')
    sources = {
        'mpeg4.mp4': EncodeSpec(),
        'mpeg4_b.avi': EncodeSpec(max_b_frames=2),
        'h264.mp4': EncodeSpec(codec='libx264', gop_size=12, max_b_frames=2,
                               options={'preset': 'ultrafast'}),
    }
    rng = np.random.default_rng(SEED)
    paths = []
    for name, spec in sources.items():
        src = root / name
        write_video(str(src), _frames(), spec=spec)
        data = np.frombuffer(src.read_bytes(), np.uint8)
        for i in range(COPIES):
            copy = data.copy()
            pos = rng.integers(0, len(copy), rng.integers(1, MAX_FLIPS + 1))
            copy[pos] = rng.integers(0, 256, len(pos))
            if rng.random() < CUT_RATE:
                copy = copy[:rng.integers(1, len(copy))]
            path = root / f'{i:03d}_{name}'
            path.write_bytes(copy.tobytes())
            paths.append(str(path))
    return paths


def test_mutated_videos_raise_only_compressed_video_error(mutants):
    proc = subprocess.run([sys.executable, '-c', _CHILD, *mutants],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result['escaped'] == []
    assert result['rejected'] + result['valid'] == len(mutants)
    # Both outcomes occur: the mutations hit headers and payload alike.
    assert result['rejected'] > 0 and result['valid'] > 0
