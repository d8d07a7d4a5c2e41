"""Re-encode a tree of videos to the paper's format (CoViAR's recipe).

MPEG-4 Part 2 (``mpeg4``), GOP 12, no B-frames, fixed quantiser 1, scaled to
340x256 (no aspect-preserving crop: CoViAR's ``scale=340:256``), same frame
rate, every decoded frame kept, audio dropped (the method uses video only).

The run is resumable and safe to interrupt:

- each output is written to a hidden ``.<name>.partial-<pid><ext>`` file in
  the destination folder and renamed only after it has been verified, so a
  file with the final name is always complete;
- a JSON-lines manifest ``DST/.reencode_manifest.jsonl`` records every
  verified output (parameters, source and output size + mtime), appended as
  results arrive; the next run skips an output whose record still matches
  without opening it, and re-checks (demux, no decode) one without a
  matching record;
- an output that fails the check is re-done if the manifest says we wrote
  it (e.g. it was truncated later); a file we did not write is replaced
  only with ``overwrite_invalid`` (it might be the user's).

Pure PyAV/numpy (no mmengine).
"""
import json
import os
import os.path as osp
import re
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import av

from ..codec.errors import CompressedVideoError, describe_error
from ..codec.gop import scan_packets
from .filelist import VIDEO_EXTENSIONS
from .fileutil import (Progress, no_progress, parallel_imap, partial_path,
                       remove_stale_partials)
from .writer import PAPER_SPEC, EncodeSpec, VideoWriter

__all__ = [
    'ReencodeError', 'EncodedInfo', 'ReencodeJob', 'ReencodeResult',
    'ReencodePlan', 'ReencodeSummary', 'MANIFEST_NAME', 'OUTPUT_EXTENSIONS',
    'parse_size', 'count_frames', 'inspect_encoded', 'check_encoded',
    'reencode_video', 'find_videos', 'plan_reencode', 'run_reencode',
    'reencode_tree'
]

#: The manifest of verified outputs, at the root of the destination.
MANIFEST_NAME = '.reencode_manifest.jsonl'
#: Containers we write (all carry MPEG-4 Part 2 and packet timestamps).
OUTPUT_EXTENSIONS = ('mp4', 'mkv', 'avi', 'mov')
#: Scaler for the resize; bicubic is the ffmpeg CLI's default (CoViAR
#: re-encodes with the ffmpeg CLI).
INTERPOLATION = 'BICUBIC'


class ReencodeError(Exception):
    """A video that could not be re-encoded or verified.

    ``str(err) == f'{filename}: {reason}'``.
    """

    def __init__(self, filename: str, reason: str):
        super().__init__(filename, reason)
        self.filename = filename
        self.reason = reason

    def __str__(self) -> str:
        return f'{self.filename}: {self.reason}'


def parse_size(text: str) -> Optional[Tuple[int, int]]:
    """``'340x256'`` -> ``(340, 256)`` (width, height); ``'keep'`` -> None.

    Raises:
        ValueError: malformed, non-positive or odd (yuv420p needs even).
    """
    if text.strip().lower() == 'keep':
        return None
    m = re.fullmatch(r'\s*(\d+)\s*[xX]\s*(\d+)\s*', text)
    if not m:
        raise ValueError(f'size must be WIDTHxHEIGHT or "keep", got {text!r}')
    w, h = int(m.group(1)), int(m.group(2))
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise ValueError(
            f'size must be positive and even (yuv420p), got {w}x{h}')
    return w, h


def _frames_close(n: int, expected: int) -> bool:
    # Containers and decoders disagree by a frame or two (edit lists,
    # a last frame without its packet, packed B-frames in AVI), and a
    # damaged packet costs a frame; a truncated file loses far more.
    return abs(n - expected) <= max(2, round(0.02 * expected))


def count_frames(path: str) -> int:
    """Frames of the first video stream: container metadata, else demux.

    Raises:
        ReencodeError: unreadable or no video stream.
    """
    try:
        with av.open(path, metadata_errors='ignore') as container:
            if not container.streams.video:
                raise ReencodeError(path, 'no video stream')
            stream = container.streams.video[0]
            if stream.frames > 0:
                return stream.frames
            return sum(1 for p in container.demux(stream) if p.size)
    except av.FFmpegError as e:
        raise ReencodeError(path,
                            f'cannot read: {describe_error(e)}') from e


@dataclass
class EncodedInfo:
    """What the packets of a video say about its encoding (no decoding).

    Attributes:
        codec: FFmpeg codec name of the first video stream.
        width, height: Coded size in pixels.
        frames: Number of video packets (= frames for MPEG-4 Part 2 / no
            packed B-frames).
        keyframes: Packet indices of keyframes (I-frames).
        reordered: Some presentation order differs from decode order,
            i.e. there are B-frames.
    """
    codec: str
    width: int
    height: int
    frames: int
    keyframes: List[int]
    reordered: bool


def inspect_encoded(path: str) -> EncodedInfo:
    """Read codec, size, packet count, keyframes and reordering of a video.

    The packets come from the codec layer's demux scan
    (:func:`~mmaction_imr.codec.gop.scan_packets`); only a stream without
    timestamps is decoded, to tell B-frames by their picture type.

    Raises:
        ReencodeError: unreadable or no video stream.
    """
    try:
        scan = scan_packets(path)
    except CompressedVideoError as e:
        raise ReencodeError(path, f'cannot read: {e.reason}') from e
    if scan.pts is None:
        try:
            with av.open(path, metadata_errors='ignore') as container:
                reordered = any(int(f.pict_type) == 3
                                for f in container.decode(video=0))
        except av.FFmpegError as e:
            raise ReencodeError(path,
                                f'cannot read: {describe_error(e)}') from e
    else:
        reordered = bool((scan.pts[1:] <= scan.pts[:-1]).any())
    return EncodedInfo(scan.codec, scan.width, scan.height, scan.num_packets,
                       scan.keyframes.nonzero()[0].tolist(), reordered)


def check_encoded(path: str,
                  spec: EncodeSpec,
                  size: Tuple[int, int],
                  expected_frames: Optional[int] = None) -> Optional[str]:
    """Verify an output: codec, size, frame count, GOP structure, no B.

    Args:
        path: The video to check.
        spec: Expected codec and GOP size; ``max_b_frames == 0`` means
            packets must be in presentation order.
        size: Expected ``(width, height)``.
        expected_frames: Frames of the source, if known.

    Returns:
        None if the video passes, else the reason it fails.
    """
    try:
        info = inspect_encoded(path)
    except ReencodeError as e:
        return e.reason
    if info.codec != spec.codec:
        return f'codec is {info.codec}, not {spec.codec}'
    if (info.width, info.height) != tuple(size):
        return (f'size is {info.width}x{info.height}, not '
                f'{size[0]}x{size[1]}')
    if info.frames == 0:
        return 'no frames'
    if expected_frames is not None and not _frames_close(
            info.frames, expected_frames):
        return (f'{info.frames} frames but the source has '
                f'{expected_frames} (truncated?)')
    if spec.max_b_frames == 0 and info.reordered:
        return 'has B-frames (frames out of presentation order)'
    if spec.gop_size and info.keyframes != list(
            range(0, info.frames, spec.gop_size)):
        return (f'I-frames at {info.keyframes[:6]}..., not every '
                f'{spec.gop_size} frames')
    return None


def _even(n: int) -> int:
    return max(2, n - n % 2)


def _source_size(path: str) -> Tuple[int, int]:
    """Output size for ``size=None``: the source's, rounded to even."""
    try:
        with av.open(path, metadata_errors='ignore') as container:
            ctx = container.streams.video[0].codec_context
            return _even(ctx.width), _even(ctx.height)
    except av.FFmpegError as e:
        raise ReencodeError(path,
                            f'cannot read: {describe_error(e)}') from e


def _source_fps(stream) -> Fraction:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate is not None and 0 < rate < 1000:
            return Fraction(rate)
    return Fraction(30)


def _decode_tolerant(container, stream, damaged: List[int]):
    """Decode packet by packet, skipping the ones FFmpeg rejects.

    Like the ffmpeg CLI, a few corrupt packets (common in videos from the
    web) cost a few frames, not the video; the caller's frame-count check
    still fails a badly damaged one. ``damaged[0]`` counts the skips.
    """
    for packet in container.demux(stream):
        try:
            frames = stream.decode(packet)
        except av.InvalidDataError:
            damaged[0] += 1
            continue
        yield from frames


def reencode_video(src: str,
                   dst: str,
                   spec: EncodeSpec = PAPER_SPEC,
                   size: Optional[Tuple[int, int]] = (340, 256)) -> int:
    """Re-encode one video; the output appears only once it is verified.

    Every decoded frame is encoded (no frame dropped or duplicated), at the
    source's average frame rate; audio and other streams are dropped;
    rotation metadata is ignored.

    Args:
        src: Any video PyAV can decode.
        dst: Output path; the container follows the extension. Its folder
            is created.
        spec: Encoder settings (the paper's by default).
        size: Output ``(width, height)``, or None to keep the source size
            (rounded down to even numbers).

    Returns:
        The number of frames written.

    Raises:
        ReencodeError: the source cannot be decoded, has no frames, decodes
            to far fewer frames than it declares, or the output fails
            :func:`check_encoded`. Nothing is left at ``dst`` then.
    """
    expected = count_frames(src)
    os.makedirs(osp.dirname(osp.abspath(dst)), exist_ok=True)
    tmp = partial_path(dst)
    n = 0
    damaged = [0]
    try:
        with av.open(src, metadata_errors='ignore') as container:
            stream = container.streams.video[0]
            fps = _source_fps(stream)
            writer = None
            try:
                for frame in _decode_tolerant(container, stream, damaged):
                    if writer is None:
                        w, h = size if size else (_even(frame.width),
                                                  _even(frame.height))
                        writer = VideoWriter(tmp, w, h, fps=fps, spec=spec)
                    writer.write_av_frame(frame, interpolation=INTERPOLATION)
                    n += 1
            finally:
                if writer is not None:
                    writer.close()
        if n == 0:
            raise ReencodeError(src, 'no decodable video frame')
        if not _frames_close(n, expected):
            raise ReencodeError(
                src, f'decoded {n} frames but the file declares {expected} '
                f'({damaged[0]} undecodable packet(s); damaged source?)')
        reason = check_encoded(tmp, spec, (w, h), n)
        if reason is not None:
            raise ReencodeError(src, f'output check failed: {reason}')
        os.replace(tmp, dst)
    except av.FFmpegError as e:
        raise ReencodeError(src, f'decode/encode failed after {n} frames: '
                            f'{describe_error(e)}') from e
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return n


def find_videos(root: str,
                exts: Sequence[str] = VIDEO_EXTENSIONS,
                exclude: Optional[str] = None) -> List[str]:
    """Video files under ``root`` (by ending, case-insensitive), sorted.

    Hidden files and folders are skipped, as is ``exclude`` (a folder
    inside ``root``, e.g. the destination). Returns paths relative to
    ``root`` with ``/`` separators.
    """
    exclude = osp.realpath(exclude) if exclude else None
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith('.') and (
                exclude is None
                or osp.realpath(osp.join(dirpath, d)) != exclude))
        for name in filenames:
            if not name.startswith('.') and name.lower().endswith(
                    tuple(exts)):
                rel = osp.relpath(osp.join(dirpath, name), root)
                out.append(rel.replace(os.sep, '/'))
    return sorted(out)


# --- the tree ---------------------------------------------------------------


@dataclass
class ReencodeJob:
    """One source to re-encode (or whose existing output to check first).

    Attributes:
        src: Source path.
        dst: Output path.
        rel: Source path relative to the source root (for reports).
        existing: What to do about a file already at ``dst``:
            ``'encode'``: none there, or ours from an older source: encode;
            ``'check_redo'``: check it, encode if it fails (we wrote it, or
            the user allowed replacing it);
            ``'check_report'``: check it, report a failure if it fails (it
            may be the user's file).
    """
    src: str
    dst: str
    rel: str
    existing: str = 'encode'


@dataclass
class ReencodeResult:
    """Outcome of a job: ``status`` in ``'encoded' | 'verified' | 'failed'``.

    ``record`` is the manifest record of a good output.
    """
    rel: str
    status: str
    reason: str = ''
    frames: int = 0
    seconds: float = 0.0
    record: Optional[dict] = None


@dataclass
class ReencodePlan:
    """What a run will do.

    Attributes:
        src_dir, dst_dir: Roots.
        spec, size, ext: Output format.
        jobs: Sources to process in workers.
        skipped: Sources whose output has a matching manifest record.
        failures: ``(source, reason)`` found while planning (collisions).
    """
    src_dir: str
    dst_dir: str
    spec: EncodeSpec
    size: Optional[Tuple[int, int]]
    ext: str
    jobs: List[ReencodeJob] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    failures: List[Tuple[str, str]] = field(default_factory=list)


@dataclass
class ReencodeSummary:
    """Totals of a run; ``failures`` = ``[(source, reason)]`` sorted."""
    encoded: int = 0
    verified: int = 0
    skipped: int = 0
    failures: List[Tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def _params(spec: EncodeSpec, size, ext: str) -> dict:
    return dict(codec=spec.codec, gop_size=spec.gop_size,
                max_b_frames=spec.max_b_frames, qscale=spec.qscale,
                options=dict(sorted(spec.options.items())),
                size=list(size) if size else 'keep', ext=ext)


def _stat(path: str) -> List[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns]


def _read_manifest(dst_dir: str) -> Dict[str, dict]:
    records = {}
    path = osp.join(dst_dir, MANIFEST_NAME)
    if osp.isfile(path):
        with open(path, encoding='utf-8') as f:
            for line in f:
                try:
                    rec = json.loads(line)
                    records[rec['out']] = rec
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by an interruption
    return records


def _inside(path: str, root: str) -> bool:
    path, root = osp.realpath(path), osp.realpath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def plan_reencode(src_dir: str,
                  dst_dir: str,
                  spec: EncodeSpec = PAPER_SPEC,
                  size: Optional[Tuple[int, int]] = (340, 256),
                  ext: str = 'mp4',
                  overwrite_invalid: bool = False,
                  exts: Sequence[str] = VIDEO_EXTENSIONS) -> ReencodePlan:
    """Find the sources and decide what to do with each.

    ``SRC/a/b.avi`` goes to ``DST/a/b.<ext>`` (the folder layout is kept).
    Cheap: stats files and reads the manifest, opens no video.

    Args:
        src_dir: Source root, scanned recursively.
        dst_dir: Output root.
        spec: Encoder settings (codec, GOP, B-frames, quantiser).
        size: Output ``(width, height)``; None keeps the source size
            (rounded down to even).
        ext: Output container: one of :data:`OUTPUT_EXTENSIONS`.
        overwrite_invalid: Replace existing outputs that fail the check
            even when the manifest does not say we wrote them.
        exts: File endings taken as videos.

    Returns:
        The plan; sources whose output would collide with another's or
        overwrite a source are in ``plan.failures``.

    Raises:
        ValueError: ``src_dir`` is not a folder, ``dst_dir`` is
            ``src_dir`` or contains it (outputs would land among the
            sources), or ``ext`` is not a container we write. A
            ``dst_dir`` inside ``src_dir`` is fine: it is not scanned.
    """
    ext = ext.lstrip('.').lower()
    if ext not in OUTPUT_EXTENSIONS:
        raise ValueError(f'ext must be one of {OUTPUT_EXTENSIONS}, got {ext}')
    if not osp.isdir(src_dir):
        raise ValueError(f'{src_dir}: source is not a directory')
    if _inside(src_dir, dst_dir):
        raise ValueError(
            f'{dst_dir}: the destination is the source or contains it; '
            'outputs would overwrite or mix with the sources')
    exclude = dst_dir if _inside(dst_dir, src_dir) else None
    plan = ReencodePlan(src_dir, dst_dir, spec, size, ext)
    params = _params(spec, size, ext)
    records = _read_manifest(dst_dir)
    if osp.isdir(dst_dir):
        remove_stale_partials(dst_dir)
    sources = find_videos(src_dir, exts, exclude)
    real_sources = {osp.realpath(osp.join(src_dir, r)) for r in sources}
    taken: Dict[str, str] = {}
    for rel in sources:
        src = osp.join(src_dir, rel)
        out_rel = osp.splitext(rel)[0] + '.' + ext
        dst = osp.join(dst_dir, out_rel)
        if out_rel in taken:
            plan.failures.append(
                (rel, f'same output {out_rel} as {taken[out_rel]}'))
            continue
        taken[out_rel] = rel
        if osp.realpath(dst) in real_sources:
            plan.failures.append((rel, f'output {dst} would overwrite a '
                                  'source'))
            continue
        if not osp.exists(dst):
            plan.jobs.append(ReencodeJob(src, dst, rel, 'encode'))
            continue
        rec = records.get(out_rel)
        try:
            src_stat = _stat(src)
        except OSError as e:
            plan.failures.append((rel, f'cannot stat: {e}'))
            continue
        if rec is not None and rec.get('params') == params and rec.get(
                'src_stat') == src_stat and rec.get('stat') == _stat(dst):
            plan.skipped.append(rel)
        elif rec is not None and rec.get('src_stat') != src_stat:
            # Our output of an older version of the source.
            plan.jobs.append(ReencodeJob(src, dst, rel, 'encode'))
        elif rec is not None or overwrite_invalid:
            plan.jobs.append(ReencodeJob(src, dst, rel, 'check_redo'))
        else:
            plan.jobs.append(ReencodeJob(src, dst, rel, 'check_report'))
    return plan


def _run_job(job: ReencodeJob, spec: EncodeSpec,
             size: Optional[Tuple[int, int]], params: dict,
             out_rel: str) -> ReencodeResult:
    t0 = time.perf_counter()
    try:
        if job.existing != 'encode':
            frames = count_frames(job.src)
            want = size or _source_size(job.src)
            reason = check_encoded(job.dst, spec, want, frames)
            if reason is None:
                status = 'verified'
            elif job.existing == 'check_redo':
                status = 'encoded'
            else:
                return ReencodeResult(
                    job.rel, 'failed',
                    f'{job.dst} exists and is not a valid re-encode '
                    f'({reason}); --overwrite-invalid replaces it')
        else:
            status = 'encoded'
        if status == 'encoded':
            frames = reencode_video(job.src, job.dst, spec, size)
    except ReencodeError as e:
        return ReencodeResult(job.rel, 'failed', e.reason,
                              seconds=time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001  (one bad file must not stop all)
        return ReencodeResult(job.rel, 'failed', f'{type(e).__name__}: {e}',
                              seconds=time.perf_counter() - t0)
    record = dict(out=out_rel, src=job.rel, params=params,
                  src_stat=_stat(job.src), stat=_stat(job.dst),
                  frames=frames)
    return ReencodeResult(job.rel, status, '', frames,
                          time.perf_counter() - t0, record)


def _run_job_star(args: tuple) -> ReencodeResult:
    return _run_job(*args)


def run_reencode(plan: ReencodePlan,
                 workers: int = 1) -> Iterator[ReencodeResult]:
    """Run the plan's jobs, yielding results as they finish.

    Good outputs are appended to the manifest as they arrive, so an
    interrupted run keeps its work. A failing file never stops the others.

    Args:
        plan: From :func:`plan_reencode`.
        workers: Processes; 1 runs in this process.
    """
    if not plan.jobs:
        return
    os.makedirs(plan.dst_dir, exist_ok=True)
    params = _params(plan.spec, plan.size, plan.ext)
    args = [(job, plan.spec, plan.size, params,
             osp.relpath(job.dst, plan.dst_dir).replace(os.sep, '/'))
            for job in plan.jobs]
    with open(osp.join(plan.dst_dir, MANIFEST_NAME), 'a',
              encoding='utf-8') as manifest:

        def record(result: ReencodeResult) -> ReencodeResult:
            if result.record is not None:
                manifest.write(json.dumps(result.record) + '\n')
                manifest.flush()
            return result

        for result in parallel_imap(_run_job_star, args, workers):
            yield record(result)


def reencode_tree(src_dir: str,
                  dst_dir: str,
                  spec: EncodeSpec = PAPER_SPEC,
                  size: Optional[Tuple[int, int]] = (340, 256),
                  ext: str = 'mp4',
                  workers: int = 1,
                  overwrite_invalid: bool = False,
                  progress: Progress = no_progress) -> ReencodeSummary:
    """Plan and run a whole re-encode; see :func:`plan_reencode`.

    ``progress`` wraps the stream of finished jobs, e.g.
    :func:`~.fileutil.rich_progress` for a bar.
    """
    t0 = time.perf_counter()
    plan = plan_reencode(src_dir, dst_dir, spec, size, ext,
                         overwrite_invalid)
    summary = ReencodeSummary(skipped=len(plan.skipped),
                              failures=list(plan.failures))
    description = f'reencode ({len(plan.skipped)} already done)'
    for result in progress(run_reencode(plan, workers), len(plan.jobs),
                           description):
        if result.status == 'failed':
            summary.failures.append((result.rel, result.reason))
        elif result.status == 'verified':
            summary.verified += 1
        else:
            summary.encoded += 1
    summary.failures.sort()
    summary.seconds = time.perf_counter() - t0
    return summary
