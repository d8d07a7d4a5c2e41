"""Point a config written for one data set at another folder of videos.

The toy configs are written for the synthetic set (``data/synthetic``):
its lists, its 8 classes, a flip that swaps its left/right classes and
fixed indices of its labelled subset. :func:`retarget_config` rewrites a
config's plain dict (``Config.to_dict()``) for a user's class-per-folder
data set (``tools/data/build_filelist.py folders``), so that the same
recipes run on it: every dataset reads the new video root, each old list
is replaced by the new list of the same role, the head predicts the new
number of classes, flips map no labels, and subset indices are dropped.
"""
from typing import Any, Dict, List, Mapping, Optional

__all__ = ['RetargetError', 'retarget_config']


class RetargetError(ValueError):
    """The config names a list that has no replacement."""


def retarget_config(cfg: Mapping[str, Any], *, video_root: str,
                    lists: Mapping[str, str], num_classes: Optional[int] = None,
                    class_names: Optional[str] = None) -> Dict[str, Any]:
    """Return a copy of ``cfg`` that reads another data set.

    Args:
        cfg: a config as a plain dict (nested dicts and lists).
        video_root: the folder the new lists' paths are relative to; every
            ``data_prefix['video']`` (and every ``data_root``) is set
            to it.
        lists: ``{old annotation file: new annotation file}``; every
            ``ann_file`` of the config must be a key (a top-level string
            equal to a key, such as ``ann_file_train``, is replaced too).
        num_classes: the new number of classes: every ``num_classes`` under
            ``model`` (the classification heads) is set to it.
        class_names: replaces every ``class_names`` (the retrieval
            pictures' label file).

    A dataset's ``indices`` (a subset of the old list) are removed, every
    ``flip_label_map`` becomes None (a flip map names the old classes), and
    when two datasets of a ``ConcatDataset`` end up alike, one is kept.

    Raises:
        RetargetError: an ``ann_file`` that ``lists`` does not name.
    """
    def walk(node: Any, in_model: bool) -> Any:
        if isinstance(node, str):  # e.g. a top-level ann_file_train
            return lists.get(node, node)
        if isinstance(node, list):
            return [walk(item, in_model) for item in node]
        if not isinstance(node, dict):
            return node
        if 'ann_file' in node and node['ann_file'] not in lists:
            raise RetargetError(
                f'ann_file {node["ann_file"]!r}: no new list for it (known: '
                f'{", ".join(sorted(lists))})')
        node = {key: walk(value, in_model or key == 'model')
                for key, value in node.items()}
        if 'ann_file' in node:
            node['data_prefix'] = {**node.get('data_prefix', {}),
                                   'video': video_root}
            node.pop('indices', None)
        if 'data_root' in node:
            node['data_root'] = video_root
        if node.get('flip_label_map'):
            node['flip_label_map'] = None
        if in_model and num_classes is not None and 'num_classes' in node:
            node['num_classes'] = num_classes
        if class_names is not None and 'class_names' in node:
            node['class_names'] = class_names
        if node.get('type') == 'ConcatDataset':
            node['datasets'] = _unique(node['datasets'])
        return node

    return walk(dict(cfg), False)


def _unique(items: List[Any]) -> List[Any]:
    kept: List[Any] = []
    for item in items:
        if item not in kept:
            kept.append(item)
    return kept
