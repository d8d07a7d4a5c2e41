"""The retrieval protocol's config checks and its printed table."""
import pytest
from mmengine.config import Config

from mmaction_imr.evaluation.retrieval_runner import (check_retrieval_cfg,
                                                      format_table)


def test_check_retrieval_cfg():
    with pytest.raises(ValueError, match='no `retrieval` dict'):
        check_retrieval_cfg(Config(dict(model=dict())))
    with pytest.raises(ValueError, match=r"missing \['query_dataloader'\]"):
        check_retrieval_cfg(Config(dict(retrieval=dict(
            gallery_dataloader=dict()))))
    with pytest.raises(ValueError, match=r"unknown \['topk'\]"):
        check_retrieval_cfg(Config(dict(retrieval=dict(
            gallery_dataloader=dict(), query_dataloader=dict(), topk=1))))


def test_format_table_rows_per_feature():
    table = format_table({'retrieval/R@1': 0.5, 'retrieval/R@5': 1.0,
                          'retrieval/imgs/R@1': 0.25,
                          'retrieval/imgs/R@5': 0.75})
    lines = table.splitlines()
    assert lines[0].split() == ['R@1', 'R@5']
    assert lines[1].split() == ['embedding', '50.0', '100.0']
    assert lines[2].split() == ['imgs', '25.0', '75.0']


def test_class_names_of_the_pictures(tmp_path):
    from mmaction_imr.evaluation.retrieval_runner import _read_classes
    (tmp_path / 'val.txt').write_text('a/x.mp4 0\n')
    query = dict(dataset=dict(ann_file=str(tmp_path / 'val.txt')))
    spec = dict(query_dataloader=query, class_names='')
    assert _read_classes(spec) is None  # no file anywhere: numbers
    (tmp_path / 'classes.txt').write_text('run\njump\n')
    assert _read_classes(spec) == ['run', 'jump']  # beside the test list
    (tmp_path / 'mine.txt').write_text('x\ny\n')
    assert _read_classes(dict(spec, class_names=str(
        tmp_path / 'mine.txt'))) == ['x', 'y']  # named (--label-file)
    assert _read_classes(dict(spec, class_names=['p', 'q'])) == ['p', 'q']
    # a config's default path where the data is not: the file beside the
    # list, said once
    with pytest.warns(UserWarning, match='none.txt: no such file'):
        assert _read_classes(dict(spec, class_names=str(
            tmp_path / 'none.txt'))) == ['run', 'jump']
