"""The synthetic motion-only data set on disk: folders, seeds, manifest.

The clips are drawn by :mod:`~mmaction_imr.prepare.synthetic_render` (8
classes that differ only in motion); this module turns them into an
mmaction2 data set and keeps it honest:

- each clip's random numbers come from
  ``SeedSequence([GENERATOR_VERSION, seed, class, split, index])``, so the
  result depends neither on the number of workers nor on their order;
- videos are MPEG-4 Part 2, GOP 12, no B-frames (the paper's format,
  :data:`~mmaction_imr.prepare.writer.PAPER_SPEC`), 30 fps, with a
  single-threaded encoder so the bytes do not depend on the machine;
- every file is written under a temporary name and renamed when complete,
  so an interrupted run resumes where it stopped;
- ``manifest.json`` records the parameters (generator version included)
  and the SHA-256 of every file; a set made with other parameters is
  refused, and a complete set whose files changed since is reported with
  the first file that differs.

Layout of ``out_dir``::

    videos/<class>/<split>_<index:04d>.mp4
    train.txt  val.txt      "<class>/<file> <label>" (mmaction2 format)
    unlabelled.txt          "<class>/<file> -1" (disjoint from train/val)
    classes.txt             one class name per line, label order
    manifest.json           parameters, file count, content hashes

Pure numpy/OpenCV/PyAV (no mmengine).
"""
import json
import os
import os.path as osp
import shutil
import time
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .filelist import write_classes, write_list
from .fileutil import (Progress, digest_files, file_sha256, no_progress,
                       parallel_imap, partial_path, remove_stale_partials)
from .synthetic_render import (CLASSES, GENERATOR_VERSION, REFERENCE_SIZE,
                               Clip, SyntheticError, check_renderable,
                               render_clip)
from .writer import EncodeSpec, write_video

__all__ = [
    'CLASSES', 'SPLITS', 'REFERENCE_SIZE', 'GENERATOR_VERSION',
    'MANIFEST_NAME', 'SyntheticError', 'Clip', 'render_clip',
    'clip_seed', 'synthetic_params', 'video_relpath', 'check_complete',
    'verify_synthetic', 'SyntheticPlan', 'SyntheticReport', 'plan_synthetic',
    'run_synthetic', 'finish_synthetic', 'make_synthetic'
]

#: Subsets, in seed order; ``unlabelled`` is written with label -1.
SPLITS = ('train', 'val', 'unlabelled')
MANIFEST_NAME = 'manifest.json'


# --- the data set -----------------------------------------------------------


def clip_seed(seed: int, label: int, split: str,
              index: int) -> np.random.SeedSequence:
    """The seed of one clip: a function of its identity only."""
    return np.random.SeedSequence(
        [GENERATOR_VERSION, seed, label, SPLITS.index(split), index])


def video_relpath(label: int, split: str, index: int) -> str:
    """``'<class>/<split>_<index:04d>.mp4'``, relative to ``out/videos``."""
    return f'{CLASSES[label]}/{split}_{index:04d}.mp4'


def synthetic_params(seed: int = 0,
                     per_class: Sequence[int] = (24, 8, 16),
                     size: Tuple[int, int] = REFERENCE_SIZE,
                     frames: int = 72,
                     fps: int = 30,
                     gop: int = 12) -> dict:
    """Everything the output depends on, as a JSON-able dict.

    Args:
        seed: Base seed.
        per_class: Clips per class for ``(train, val, unlabelled)``.
        size: ``(width, height)``, even numbers.
        frames: Frames per clip.
        fps: Frame rate.
        gop: GOP length (MPEG-4 Part 2, no B-frames).

    Raises:
        SyntheticError: on bad values.
    """
    per_class = [int(n) for n in per_class]
    if len(per_class) != len(SPLITS) or min(per_class) < 0 or sum(
            per_class) == 0:
        raise SyntheticError(
            f'per_class must be 3 counts >= 0 (train, val, unlabelled), '
            f'not all 0; got {per_class}')
    w, h = (int(s) for s in size)
    if w < 32 or h < 32 or w % 2 or h % 2:
        raise SyntheticError(f'size must be even and >= 32, got {w}x{h}')
    if frames < 2 or gop < 2 or fps < 1:
        raise SyntheticError(
            f'need frames >= 2, gop >= 2, fps >= 1; got {frames}, {gop}, '
            f'{fps}')
    check_renderable((w, h), gop)
    return dict(version=GENERATOR_VERSION, seed=int(seed),
                per_class=dict(zip(SPLITS, per_class)), size=[w, h],
                frames=int(frames), fps=int(fps), gop=int(gop),
                codec='mpeg4', max_b_frames=0, qscale=1,
                classes=list(CLASSES))


def _video_list(params: dict) -> List[Tuple[int, str, int]]:
    return [(label, split, i) for split in SPLITS
            for label in range(len(CLASSES))
            for i in range(params['per_class'][split])]


def _ann_files(params: dict) -> Dict[str, List[Tuple[str, int]]]:
    lists: Dict[str, List[Tuple[str, int]]] = {s: [] for s in SPLITS}
    for label, split, i in _video_list(params):
        lists[split].append((video_relpath(label, split, i),
                             -1 if split == 'unlabelled' else label))
    return {f'{s}.txt': sorted(items) for s, items in lists.items()}


def _read_manifest(out_dir: str) -> Optional[dict]:
    try:
        with open(osp.join(out_dir, MANIFEST_NAME), encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _write_manifest(out_dir: str, manifest: dict) -> None:
    path = osp.join(out_dir, MANIFEST_NAME)
    tmp = path + f'.tmp-{os.getpid()}'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write('\n')
    os.replace(tmp, path)


def _set_files(params: dict) -> List[str]:
    """Every file of a finished set but the manifest, relative to its root."""
    return sorted(list(_ann_files(params)) + ['classes.txt'] + [
        'videos/' + video_relpath(*v) for v in _video_list(params)
    ])


def check_complete(out_dir: str, params: dict) -> bool:
    """True if ``out_dir`` holds a finished set made with ``params``.

    Cheap (reads the manifest, stats the files): no file is read, so a
    changed file still counts; :func:`verify_synthetic` checks content.
    """
    manifest = _read_manifest(out_dir)
    if not manifest or not manifest.get('complete') or manifest.get(
            'params') != params:
        return False
    return all(
        osp.isfile(osp.join(out_dir, rel)) for rel in _set_files(params))


def verify_synthetic(out_dir: str) -> Optional[str]:
    """Compare a finished set's files with the hashes in its manifest.

    Args:
        out_dir: The set's root.

    Returns:
        None if every file listed in the manifest has its recorded
        SHA-256, else a message naming the first (sorted) file that
        differs or is missing.

    Raises:
        SyntheticError: no manifest, or one without hashes.
    """
    manifest = _read_manifest(out_dir)
    if not manifest or 'files' not in manifest:
        raise SyntheticError(f'{osp.join(out_dir, MANIFEST_NAME)}: no '
                             'content hashes recorded')
    for rel, want in sorted(manifest['files'].items()):
        path = osp.join(out_dir, rel)
        if not osp.isfile(path):
            return f'{rel} is missing'
        if file_sha256(path) != want:
            return f'{rel} differs from the generated file (SHA-256)'
    return None


def _record_hashes(out_dir: str, manifest: dict, params: dict) -> dict:
    digest, files = digest_files(out_dir, _set_files(params))
    manifest = dict(manifest, sha256=digest, files=files)
    _write_manifest(out_dir, manifest)
    return manifest


@dataclass
class SyntheticPlan:
    """What :func:`run_synthetic` will do.

    Attributes:
        out_dir: Output root.
        params: From :func:`synthetic_params`.
        complete: The set is already there and verified; nothing to do.
        todo: ``(label, split, index)`` of the clips still to write.
        total: Clips in the set.
        sha256: The set's content hash (see :func:`make_synthetic`), once
            known.
    """
    out_dir: str
    params: dict
    complete: bool = False
    todo: List[Tuple[int, str, int]] = field(default_factory=list)
    total: int = 0
    sha256: Optional[str] = None


def _clear(out_dir: str, params: dict) -> None:
    """Remove what a set in ``out_dir`` consists of (nothing else)."""
    shutil.rmtree(osp.join(out_dir, 'videos'), ignore_errors=True)
    for name in list(_ann_files(params)) + ['classes.txt', MANIFEST_NAME]:
        if osp.isfile(osp.join(out_dir, name)):
            os.remove(osp.join(out_dir, name))


def plan_synthetic(out_dir: str, params: dict,
                   overwrite: bool = False) -> SyntheticPlan:
    """Decide what to generate; resume an interrupted run of the same set.

    A complete set of the same parameters is verified against the hashes
    in its manifest (reading every file: about 0.1 s for the default
    57 MB); a set finished before hashes were recorded gets them now.

    Raises:
        SyntheticError: ``out_dir`` holds a set made with other parameters,
            files we did not write, or a complete set whose files changed
            since it was generated (the message names the first), and
            ``overwrite`` is False.
    """
    plan = SyntheticPlan(out_dir, params, total=len(_video_list(params)))
    manifest = _read_manifest(out_dir)
    videos = osp.join(out_dir, 'videos')
    if check_complete(out_dir, params):
        if 'files' not in manifest:
            manifest = _record_hashes(out_dir, manifest, params)
        changed = verify_synthetic(out_dir)
        if changed is None:
            plan.complete, plan.sha256 = True, manifest['sha256']
            return plan
        if not overwrite:
            raise SyntheticError(
                f'{out_dir}: the set changed since it was generated: '
                f'{changed}; pass --overwrite to generate it again')
        _clear(out_dir, params)
    elif manifest is not None and manifest.get('params') != params or (
            manifest is None and osp.isdir(videos) and os.listdir(videos)):
        if not overwrite:
            what = ('a synthetic set with other parameters'
                    if manifest is not None else 'files we did not write')
            old = (manifest or {}).get('params', {}).get('version')
            if manifest is not None and old != params['version']:
                what = (f'a synthetic set of generator version {old} (this '
                        f'is version {params["version"]})')
            raise SyntheticError(
                f'{out_dir}: holds {what}; choose another --out or pass '
                '--overwrite to replace videos/ and the annotation files')
        _clear(out_dir, params)
    os.makedirs(out_dir, exist_ok=True)
    if osp.isdir(videos):
        remove_stale_partials(videos)  # left by a killed run
    _write_manifest(out_dir, dict(params=params, complete=False))
    # Clips already written by an interrupted run of the same parameters
    # are kept: each is complete (atomic rename) and deterministic.
    plan.todo = [
        v for v in _video_list(params)
        if not osp.isfile(osp.join(videos, video_relpath(*v)))
    ]
    return plan


def _write_one(args) -> str:
    out_dir, params, (label, split, index) = args
    rel = video_relpath(label, split, index)
    path = osp.join(out_dir, 'videos', rel)
    os.makedirs(osp.dirname(path), exist_ok=True)
    rng = np.random.default_rng(clip_seed(params['seed'], label, split,
                                          index))
    clip = render_clip(rng, label, tuple(params['size']), params['frames'],
                       params['gop'])
    tmp = partial_path(path)
    try:
        write_video(tmp, clip.frames, params['fps'],
                    EncodeSpec(gop_size=params['gop']))
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return rel


def run_synthetic(plan: SyntheticPlan, workers: int = 1) -> Iterator[str]:
    """Write the planned clips, yielding each relative path when done.

    The order of completion may vary with ``workers``; the content never
    does.
    """
    args = [(plan.out_dir, plan.params, v) for v in plan.todo]
    if workers <= 1:
        yield from parallel_imap(_write_one, args, 1)
        return
    # Stop OpenCV's worker threads before forking: a forked child inherits
    # the thread pool's bookkeeping but not its threads, and its first
    # parallel warpAffine then waits for them forever (seen when the
    # parent had rendered before, e.g. in the test suite). One thread per
    # worker process is what we want anyway.
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield from parallel_imap(_write_one, args, workers)
    finally:
        cv2.setNumThreads(threads)


def finish_synthetic(plan: SyntheticPlan) -> None:
    """Write the annotation files, ``classes.txt`` and the final manifest
    (with every file's SHA-256 and the set's, also in ``plan.sha256``).

    Raises:
        SyntheticError: a planned clip is missing (the run did not finish).
    """
    videos = osp.join(plan.out_dir, 'videos')
    missing = [
        video_relpath(*v) for v in _video_list(plan.params)
        if not osp.isfile(osp.join(videos, video_relpath(*v)))
    ]
    if missing:
        raise SyntheticError(
            f'{plan.out_dir}: {len(missing)} clip(s) missing, e.g. '
            f'{missing[0]}')
    files = _ann_files(plan.params)
    for name, items in files.items():
        write_list(osp.join(plan.out_dir, name), items)
    write_classes(osp.join(plan.out_dir, 'classes.txt'), CLASSES)
    manifest = _record_hashes(
        plan.out_dir,
        dict(params=plan.params, complete=True, num_videos=plan.total,
             num_files=plan.total + len(files) + 1,
             lists={n: len(v) for n, v in files.items()}), plan.params)
    plan.sha256 = manifest['sha256']


@dataclass
class SyntheticReport:
    """What :func:`make_synthetic` did.

    Attributes:
        generated: False when the set was already complete and verified.
        written: Clips written by this call.
        total: Clips in the set.
        sha256: The set's content hash: SHA-256 of the ``sha256sum``-style
            listing of every file but the manifest (see
            :func:`~.fileutil.digest_files`). Equal hashes mean
            byte-identical sets.
        seconds: Wall time.
    """
    generated: bool
    written: int
    total: int
    sha256: str
    seconds: float


def make_synthetic(out_dir: str,
                   params: Optional[dict] = None,
                   workers: int = 1,
                   overwrite: bool = False,
                   progress: Progress = no_progress) -> SyntheticReport:
    """Generate (or find complete and verify) the synthetic set.

    Args:
        out_dir: Output root.
        params: From :func:`synthetic_params`; default parameters if None.
        workers: Processes.
        overwrite: Replace a set made with other parameters, or one whose
            files changed.
        progress: Wraps the stream of finished clips, e.g.
            :func:`~.fileutil.rich_progress` for a bar.

    Returns:
        A :class:`SyntheticReport`.

    Raises:
        SyntheticError: see :func:`plan_synthetic`; a clip failed.
    """
    t0 = time.perf_counter()
    plan = plan_synthetic(out_dir, params or synthetic_params(), overwrite)
    if plan.complete:
        return SyntheticReport(False, 0, plan.total, plan.sha256,
                               time.perf_counter() - t0)
    kept = plan.total - len(plan.todo)
    description = f'synthetic: {len(plan.todo)} of {plan.total} clips' + (
        f' ({kept} kept from an interrupted run)' if kept else '')
    n = sum(1 for _ in progress(run_synthetic(plan, workers),
                                len(plan.todo), description))
    finish_synthetic(plan)
    return SyntheticReport(True, n, plan.total, plan.sha256,
                           time.perf_counter() - t0)
