"""File names of pictures, and class names of labels (plain Python).

A picture is named after its video: the file's stem, made safe for any file
system (:func:`safe_name`), and when two videos of a data set share a stem
(``move_left/val_0000.mp4``, ``move_right/val_0000.mp4``) their folders
are prepended until the names differ (``move_left_val_0000``). The names
depend only on the set of file names, so they are the same on every run.
"""
import os.path as osp
import re
from collections import Counter
from typing import Dict, Iterable, List, Optional, Sequence

__all__ = ['safe_name', 'unique_names', 'video_title', 'class_name']

_UNSAFE = re.compile(r'[^A-Za-z0-9._-]+')


def safe_name(text: str, max_len: int = 120) -> str:
    """``text`` as a portable file name: runs of characters other than
    letters, digits, ``.``, ``_`` and ``-`` become one ``_``; no leading dot
    or dash; at most ``max_len`` characters; ``'_'`` for an empty result."""
    name = _UNSAFE.sub('_', str(text)).lstrip('.-')[:max_len]
    return name or '_'


def _parts(filename: str) -> List[str]:
    path = osp.normpath(str(filename)).replace('\\', '/')
    parts = [p for p in path.split('/') if p not in ('', '.')]
    if parts:
        parts[-1] = osp.splitext(parts[-1])[0]
    return parts or ['_']


def unique_names(filenames: Iterable[str]) -> Dict[str, str]:
    """One distinct, file-system-safe picture name per distinct file.

    The stem when no other file has it, else the shortest tail of the path
    (folders joined by ``_``) that tells the files apart; a name still
    shared (the same tail in two roots) gets ``_2``, ``_3`` ... in sorted
    order of the file names.

    Args:
        filenames: Video paths, any order, repeats allowed.

    Returns:
        ``{filename: name}`` without extension.
    """
    files = sorted(set(map(str, filenames)))
    parts = {f: _parts(f) for f in files}
    depth = {f: 1 for f in files}
    while True:
        names = {f: safe_name('_'.join(parts[f][-depth[f]:])) for f in files}
        counts = Counter(names.values())
        clash = [f for f in files
                 if counts[names[f]] > 1 and depth[f] < len(parts[f])]
        if not clash:
            break
        for f in clash:
            depth[f] += 1
    # what the folders cannot tell apart gets a number
    used = {n for n in names.values() if counts[n] == 1}
    for f in files:
        if counts[names[f]] > 1:
            base, k, name = names[f], 1, names[f]
            while name in used:
                k += 1
                name = f'{base}_{k}'
            used.add(name)
            names[f] = name
    return names


def video_title(filename: str, root: Optional[str] = None) -> str:
    """A video as its annotation list names it, for captions: the path
    below ``root`` (the data set's video prefix), else the file name."""
    filename = str(filename)
    if root and filename.startswith(str(root).rstrip('/') + '/'):
        return osp.relpath(filename, root)
    return osp.basename(filename)


def class_name(label: int, classes: Optional[Sequence[str]] = None) -> str:
    """The name of class ``label``, or the label itself (as text) without a
    name for it."""
    label = int(label)
    if classes is not None and 0 <= label < len(classes):
        return str(classes[label])
    return str(label)
