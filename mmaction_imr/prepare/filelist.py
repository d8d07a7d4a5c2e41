"""Annotation file lists in mmaction2's format (``relative/path label``).

Three sources of labels:

- a class-per-folder tree (Kinetics-400 style ``ROOT/<class>/<video>``):
  classes sorted by name give the label indices;
- UCF101's official splits (``classInd.txt``, ``trainlist0{1,2,3}.txt``,
  ``testlist0{1,2,3}.txt``);
- HMDB51's official splits (``<class>_test_split{1,2,3}.txt``, lines
  ``video.avi 0|1|2`` with 1 = train, 2 = test, 0 = unused).

Conventions follow mmaction2's ``tools/data/build_file_list.py`` and
``parse_file_list.py`` (``--format videos --level 2``): labels are 0-based
(UCF101: classInd - 1; HMDB51: index of the sorted class names), a video
listed in a split but absent from disk is not written, and the outputs are
``{dataset}_{train,val}_split_{i}_videos.txt``. We also write
``classes.txt`` (one class name per line, in label order), which mmaction2
does not.

Pure python (no mmengine).
"""
import os
import os.path as osp
import random
import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

__all__ = [
    'VIDEO_EXTENSIONS', 'FileListError', 'Item', 'format_line', 'write_list',
    'read_list', 'write_classes', 'read_classes', 'classes_beside',
    'scan_class_folders',
    'split_per_class', 'parse_ucf101_splits', 'parse_hmdb51_splits',
    'index_videos', 'resolve_split', 'write_split_lists'
]

#: File name endings taken as videos when scanning a tree (lower case).
VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mkv', '.webm', '.mov', '.m4v', '.mpg',
                    '.mpeg', '.flv', '.wmv', '.3gp', '.ogv', '.ts', '.mts',
                    '.m2ts', '.vob', '.asf', '.divx', '.f4v')

#: ``(path relative to the video root, label)``; label -1 = unlabelled.
Item = Tuple[str, int]


class FileListError(ValueError):
    """Bad annotation input; the message names the file and the problem."""


def _is_video(name: str, exts: Sequence[str]) -> bool:
    return (not name.startswith('.')) and name.lower().endswith(tuple(exts))


def format_line(path: str, label: int) -> str:
    """One annotation line, ``'path label'`` with ``/`` separators.

    Raises:
        FileListError: if ``path`` holds whitespace: mmaction2's
            ``VideoDataset`` splits lines on a space, so such a path cannot
            be written (rename first, as mmaction2's
            ``tools/data/kinetics/rename_classnames.sh`` does).
    """
    path = path.replace(os.sep, '/')
    if re.search(r'\s', path):
        raise FileListError(
            f'{path}: the path holds whitespace, which mmaction2 annotation '
            'files cannot represent; rename it (e.g. spaces -> "_")')
    return f'{path} {int(label)}'


def _atomic_write(path: str, text: str) -> None:
    d = osp.dirname(osp.abspath(path))
    os.makedirs(d, exist_ok=True)
    tmp = osp.join(d, f'.{osp.basename(path)}.tmp-{os.getpid()}')
    with open(tmp, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    os.replace(tmp, path)


def write_list(path: str, items: Iterable[Item]) -> int:
    """Write ``items`` as an mmaction2 annotation file (atomically).

    Returns:
        The number of lines written.
    """
    lines = [format_line(p, lab) for p, lab in items]
    _atomic_write(path, ''.join(line + '\n' for line in lines))
    return len(lines)


def read_list(path: str) -> List[Item]:
    """Read an annotation file written by :func:`write_list`."""
    items = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise FileListError(
                    f'{path}:{n}: expected "path label", got {line!r}')
            items.append((parts[0], int(parts[1])))
    return items


def write_classes(path: str, classes: Sequence[str]) -> None:
    """Write class names, one per line, in label order."""
    _atomic_write(path, ''.join(f'{c}\n' for c in classes))


def read_classes(path: str) -> List[str]:
    """Read a ``classes.txt``: one name per line; line ``i`` = label ``i``.

    Also accepts UCF101's ``classInd.txt`` style (``"1 ApplyEyeMakeup"``).
    """
    names = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit():
                line = parts[1]
            names.append(line)
    if len(set(names)) != len(names):
        raise FileListError(f'{path}: duplicate class names')
    return names


def classes_beside(ann_file: Optional[str]) -> Optional[List[str]]:
    """The class names of the ``classes.txt`` in the folder of an annotation
    list, where ``build_filelist.py`` and ``make_synthetic.py`` write it.

    Returns:
        The names, or None when there is no such file (or no list).
    """
    if not ann_file:
        return None
    path = osp.join(osp.dirname(str(ann_file)), 'classes.txt')
    return read_classes(path) if osp.isfile(path) else None


def scan_class_folders(
        root: str,
        classes: Optional[Sequence[str]] = None,
        exts: Sequence[str] = VIDEO_EXTENSIONS
) -> Tuple[List[Item], List[str]]:
    """List the videos of a class-per-folder tree ``root/<class>/...``.

    Args:
        root: Data root; each sub-folder (not hidden) is a class; videos
            may sit at any depth below it.
        classes: Label order to use (e.g. the train set's ``classes.txt``
            when listing the val folder); default: the sorted folder names.
        exts: File endings taken as videos (case-insensitive).

    Returns:
        ``(items, classes)``: items sorted by path, paths relative to
        ``root``.

    Raises:
        FileListError: ``root`` is missing or has no video, or a folder is
            not among the given ``classes``.
    """
    if not osp.isdir(root):
        raise FileListError(f'{root}: not a directory')
    folders = sorted(
        d for d in os.listdir(root)
        if not d.startswith('.') and osp.isdir(osp.join(root, d)))
    if classes is None:
        classes = folders
    else:
        unknown = sorted(set(folders) - set(classes))
        if unknown:
            raise FileListError(
                f'{root}: folders not in the class list: {unknown[:5]}'
                + (' ...' if len(unknown) > 5 else ''))
    label_of = {c: i for i, c in enumerate(classes)}
    items = []
    for cls in folders:
        for dirpath, dirnames, filenames in os.walk(osp.join(root, cls)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
            for name in sorted(filenames):
                if _is_video(name, exts):
                    rel = osp.relpath(osp.join(dirpath, name), root)
                    items.append((rel.replace(os.sep, '/'), label_of[cls]))
    if not items:
        raise FileListError(
            f'{root}: no video files found in class folders (endings '
            f'{", ".join(exts)})')
    items.sort()
    return items, list(classes)


def split_per_class(items: Sequence[Item], train_ratio: float,
                    seed: int = 0) -> Tuple[List[Item], List[Item]]:
    """Split ``items`` into train / val, class by class (stratified).

    Each class keeps ``round(train_ratio * n)`` videos for training, at
    least one video on each side when it has two or more. The choice is
    random but fixed by ``seed``; outputs are sorted by path.

    Raises:
        ValueError: ``train_ratio`` outside ``(0, 1)``.
    """
    if not 0 < train_ratio < 1:
        raise ValueError(f'train_ratio must be in (0, 1), got {train_ratio}')
    by_class: Dict[int, List[Item]] = {}
    for item in sorted(items):
        by_class.setdefault(item[1], []).append(item)
    rng = random.Random(seed)
    train, val = [], []
    for label in sorted(by_class):
        group = by_class[label]
        rng.shuffle(group)
        n = len(group)
        k = round(train_ratio * n)
        if n >= 2:
            k = min(max(k, 1), n - 1)
        train += group[:k]
        val += group[k:]
    return sorted(train), sorted(val)


# --- official splits -------------------------------------------------------

#: One split: (train entries, test entries); an entry is
#: ``(class_folder/video_file as written in the split file, label)``.
Split = Tuple[List[Item], List[Item]]


def _read_lines(path: str) -> List[str]:
    if not osp.isfile(path):
        raise FileListError(f'{path}: split file not found')
    # The official files have Windows line endings and trailing blanks.
    with open(path, encoding='utf-8', errors='replace') as f:
        return [line.strip() for line in f if line.strip()]


def parse_ucf101_splits(annot_dir: str, splits: Sequence[int] = (1, 2, 3)
                        ) -> Tuple[List[str], Dict[int, Split]]:
    """Read UCF101's official ``classInd.txt`` / ``trainlist0N.txt`` /
    ``testlist0N.txt``.

    Args:
        annot_dir: Folder holding the files (``ucfTrainTestlist``).
        splits: Which of the three splits to read.

    Returns:
        ``(classes, {split: (train, test)})`` with 0-based labels
        (classInd's index - 1, as mmaction2).

    Raises:
        FileListError: missing file, malformed line, unknown class, or a
            trainlist label that contradicts classInd.
    """
    ind_file = osp.join(annot_dir, 'classInd.txt')
    index = {}
    for n, line in enumerate(_read_lines(ind_file), 1):
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit():
            raise FileListError(
                f'{ind_file}:{n}: expected "<index> <class>", got {line!r}')
        index[parts[1]] = int(parts[0]) - 1
    classes = sorted(index, key=index.get)
    if [index[c] for c in classes] != list(range(len(classes))):
        raise FileListError(
            f'{ind_file}: class indices are not 1..{len(classes)}')

    def entries(path: str, with_label: bool) -> List[Item]:
        out = []
        for n, line in enumerate(_read_lines(path), 1):
            parts = line.split()
            video = parts[0]
            cls = video.split('/')[0] if '/' in video else None
            if cls not in index:
                raise FileListError(
                    f'{path}:{n}: {video!r} is not "<class>/<video>" with a '
                    f'class of {ind_file}')
            label = index[cls]
            if with_label and len(parts) > 1 and int(parts[1]) - 1 != label:
                raise FileListError(
                    f'{path}:{n}: label {parts[1]} contradicts classInd '
                    f'({cls} = {label + 1})')
            out.append((video, label))
        return out

    result = {}
    for i in splits:
        train = entries(osp.join(annot_dir, f'trainlist{i:02d}.txt'), True)
        test = entries(osp.join(annot_dir, f'testlist{i:02d}.txt'), False)
        result[i] = (train, test)
    return classes, result


def parse_hmdb51_splits(split_dir: str, splits: Sequence[int] = (1, 2, 3)
                        ) -> Tuple[List[str], Dict[int, Split]]:
    """Read HMDB51's official ``<class>_test_split{1,2,3}.txt`` files.

    Args:
        split_dir: Folder holding the 153 files (``testTrainMulti_7030``).
        splits: Which of the three splits to read.

    Returns:
        ``(classes, {split: (train, test)})``: classes are the sorted
        names found in the file names (mmaction2 sorts the video folders,
        which are the same 51 names); entries are ``class/video.avi``;
        lines marked 0 (unused) are dropped.

    Raises:
        FileListError: no split file, a class without all requested
            splits, or a malformed line.
    """
    if not osp.isdir(split_dir):
        raise FileListError(f'{split_dir}: not a directory')
    pattern = re.compile(r'^(.+)_test_split(\d)\.txt$')
    found: Dict[str, Dict[int, str]] = {}
    for name in os.listdir(split_dir):
        m = pattern.match(name)
        if m:
            found.setdefault(m.group(1), {})[int(m.group(2))] = name
    if not found:
        raise FileListError(
            f'{split_dir}: no "<class>_test_split<N>.txt" file found')
    classes = sorted(found)
    for cls in classes:
        missing = [i for i in splits if i not in found[cls]]
        if missing:
            raise FileListError(
                f'{split_dir}: {cls}_test_split{missing[0]}.txt is missing')
    result = {}
    for i in splits:
        train, test = [], []
        for label, cls in enumerate(classes):
            path = osp.join(split_dir, found[cls][i])
            for n, line in enumerate(_read_lines(path), 1):
                parts = line.split()
                if len(parts) != 2 or parts[1] not in ('0', '1', '2'):
                    raise FileListError(
                        f'{path}:{n}: expected "<video> 0|1|2", got {line!r}')
                if parts[1] == '1':
                    train.append((f'{cls}/{parts[0]}', label))
                elif parts[1] == '2':
                    test.append((f'{cls}/{parts[0]}', label))
        result[i] = (train, test)
    return classes, result


def index_videos(video_root: str,
                 exts: Sequence[str] = VIDEO_EXTENSIONS
                 ) -> Dict[str, List[str]]:
    """``{'class/stem'.lower(): [relative paths]}`` of the videos on disk.

    The key of :func:`resolve_split`'s matching; build it once per tree.
    """
    index: Dict[str, List[str]] = {}
    for dirpath, dirnames, filenames in os.walk(video_root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
        for name in sorted(filenames):
            if _is_video(name, exts):
                rel = osp.relpath(osp.join(dirpath, name), video_root)
                rel = rel.replace(os.sep, '/')
                index.setdefault(osp.splitext(rel)[0].lower(), []).append(rel)
    return index


def resolve_split(entries: Sequence[Item],
                  index: Dict[str, List[str]],
                  ext: Optional[str] = None
                  ) -> Tuple[List[Item], List[str]]:
    """Match split entries with the videos of a tree.

    Like mmaction2, an entry matches a file with the same ``class/stem``
    whatever its extension (so lists built from the official ``.avi``
    names find the re-encoded ``.mp4`` files); we also match case-
    insensitively (UCF101's ``HandstandPushups`` folder holds
    ``v_HandStandPushups_*`` files).

    Args:
        entries: ``(class/video, label)`` from a parse function.
        index: :func:`index_videos` of the folder with the
            ``<class>/<video>`` files.
        ext: If given (e.g. ``'mp4'``), written paths get this extension
            (for lists built before re-encoding) and, when a stem exists
            with several extensions, that one is preferred.

    Returns:
        ``(items, missing)``: items with the paths as found on disk (ext
        replaced if asked); ``missing`` = entries with no file.
    """
    want = None if ext is None else '.' + ext.lstrip('.').lower()
    items, missing = [], []
    for video, label in entries:
        found = index.get(osp.splitext(video)[0].lower())
        if not found:
            missing.append(video)
            continue
        path = found[0]
        if want is not None:
            exact = [p for p in found if p.lower().endswith(want)]
            path = exact[0] if exact else osp.splitext(path)[0] + want
        items.append((path, label))
    return items, missing


def write_split_lists(dataset: str,
                      classes: Sequence[str],
                      splits: Dict[int, Split],
                      video_root: str,
                      out_dir: str,
                      ext: Optional[str] = None,
                      allow_missing: bool = False) -> Dict[str, object]:
    """Resolve the split entries on disk and write mmaction2's lists.

    Writes ``{dataset}_train_split_{i}_videos.txt``,
    ``{dataset}_val_split_{i}_videos.txt`` (the official test list is
    mmaction2's "val") and ``classes.txt`` into ``out_dir``.

    Args:
        dataset: Prefix of the output names (``'ucf101'``, ``'hmdb51'``).
        classes: Class names in label order.
        splits: ``{split: (train entries, test entries)}``.
        video_root: Folder with ``<class>/<video>`` files.
        out_dir: Where the lists go (created).
        ext: See :func:`resolve_split`.
        allow_missing: Write the lists without the videos that are not on
            disk (mmaction2's behaviour) instead of refusing.

    Returns:
        ``{'files': {name: n_lines}, 'missing': sorted unique missing
        entries}``.

    Raises:
        FileListError: ``video_root`` is missing, no entry of a split
            matched a file (the root is probably wrong), or some videos
            are missing and ``allow_missing`` is False. Nothing is
            written then.
    """
    if not osp.isdir(video_root):
        raise FileListError(f'{video_root}: not a directory')
    index = index_videos(video_root)
    files: Dict[str, int] = {}
    missing = set()
    outputs = []
    for i in sorted(splits):
        for subset, entries in zip(('train', 'val'), splits[i]):
            items, miss = resolve_split(entries, index, ext)
            if entries and not items:
                raise FileListError(
                    f'{video_root}: none of the {len(entries)} videos of '
                    f'{dataset} split {i} ({subset}) is there, e.g. '
                    f'{entries[0][0]} (wrong VIDEO_ROOT?)')
            missing.update(miss)
            outputs.append((f'{dataset}_{subset}_split_{i}_videos.txt',
                            items))
    if missing and not allow_missing:
        shown = sorted(missing)[:5]
        raise FileListError(
            f'{video_root}: {len(missing)} listed video(s) not found, e.g. '
            f'{", ".join(shown)} (allow_missing / --allow-missing writes '
            'the lists without them)')
    for name, items in outputs:
        files[name] = write_list(osp.join(out_dir, name), items)
    write_classes(osp.join(out_dir, 'classes.txt'), classes)
    return {'files': files, 'missing': sorted(missing)}
