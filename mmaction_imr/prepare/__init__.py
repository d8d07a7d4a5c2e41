"""Data preparation: re-encoding, annotation lists, the synthetic set.

Pure python/numpy/PyAV/OpenCV (no mmengine, no mmaction): the CLIs under
``tools/data/`` are thin wrappers around these modules.
"""
from .filelist import (VIDEO_EXTENSIONS, FileListError, format_line,
                       index_videos, parse_hmdb51_splits,
                       parse_ucf101_splits, read_classes, read_list,
                       resolve_split, scan_class_folders, split_per_class,
                       write_classes, write_list, write_split_lists)
from .fileutil import (Progress, add_workers_arg, check_workers,
                       digest_files, file_sha256, no_progress,
                       parallel_imap, partial_path, remove_stale_partials,
                       rich_progress, run_resumable)
from .reencode import (ReencodeError, check_encoded, count_frames,
                       inspect_encoded, parse_size, plan_reencode,
                       reencode_tree, reencode_video, run_reencode)
from .retarget import RetargetError, retarget_config
from .synthetic import (CLASSES, Clip, SyntheticError, SyntheticReport,
                        check_complete, finish_synthetic, make_synthetic,
                        plan_synthetic, render_clip, run_synthetic,
                        synthetic_params, verify_synthetic)
from .writer import PAPER_SPEC, EncodeSpec, VideoWriter, write_video

__all__ = [
    'EncodeSpec', 'PAPER_SPEC', 'VideoWriter', 'write_video',
    'VIDEO_EXTENSIONS', 'FileListError', 'format_line', 'write_list',
    'read_list', 'write_classes', 'read_classes', 'scan_class_folders',
    'split_per_class', 'parse_ucf101_splits', 'parse_hmdb51_splits',
    'index_videos', 'resolve_split', 'write_split_lists', 'partial_path',
    'remove_stale_partials', 'parallel_imap', 'file_sha256', 'digest_files',
    'Progress', 'no_progress', 'rich_progress', 'add_workers_arg',
    'check_workers', 'run_resumable', 'ReencodeError', 'parse_size',
    'count_frames', 'inspect_encoded', 'check_encoded', 'reencode_video',
    'plan_reencode', 'run_reencode', 'reencode_tree', 'CLASSES', 'Clip',
    'SyntheticError', 'render_clip', 'synthetic_params', 'check_complete',
    'plan_synthetic', 'run_synthetic', 'finish_synthetic', 'make_synthetic',
    'SyntheticReport', 'verify_synthetic', 'RetargetError', 'retarget_config'
]
