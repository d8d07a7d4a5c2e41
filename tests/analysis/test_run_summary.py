"""mmaction_imr.analysis.run_summary and tools/analysis/summarize_run.py:
the figures of one run from its steps' metric files."""
import json

import pytest

from mmaction_imr.analysis.run_summary import (FIGURES, collect_figures,
                                               format_figures)


def write_run(root, with_scratch=True):
    files = {
        'pretext.json': {'pretext': {'pmsp/acc_mean': 0.5, 'ctp/acc': 0.25,
                                     'pmsp/acc_s2_t1': 0.9}},
        'finetune.json': {'finetune': {'acc/top1': 0.75, 'acc/top5': 1.0}},
        'linear.json': {'linear': {'acc/top1': 0.375}},
        'retrieval.json': {'metrics': {'retrieval/R@1': 0.125,
                                       'retrieval/R@5': 0.5,
                                       'retrieval/R@10': 0.625,
                                       'retrieval/imgs/R@1': 0.0},
                           'num_queries': 64},
    }
    if with_scratch:
        files['scratch.json'] = {'scratch': {'acc/top1': 0.625}}
    for name, obj in files.items():
        (root / name).write_text(json.dumps(obj))


def test_collect_figures_maps_each_file_and_key(tmp_path):
    write_run(tmp_path)
    figures, missing = collect_figures(str(tmp_path))
    assert figures == {
        'pretext': {'pmsp_mean': 0.5, 'ctp': 0.25},
        'finetune': {'top1': 0.75}, 'scratch': {'top1': 0.625},
        'linear': {'top1': 0.375},
        'retrieval': {'r@1': 0.125, 'r@5': 0.5, 'r@10': 0.625}}
    assert missing == []
    assert collect_figures(str(tmp_path), ['supervised']) == (
        {}, ['supervised.top1'])
    with pytest.raises(ValueError, match='unknown sections'):
        collect_figures(str(tmp_path), ['nope'])
    table = format_figures(figures)
    assert '| fine-tuned top-1 (3 crops) | 75.0 |' in table
    assert '| retrieval R@5 | 50.0 |' in table
    assert '| pretext accuracy (val clips): ctp | 25.0 |' in table


def test_missing_steps_and_bad_files(tmp_path):
    write_run(tmp_path, with_scratch=False)
    (tmp_path / 'linear.json').write_text(json.dumps({'linear': {}}))
    figures, missing = collect_figures(str(tmp_path))
    assert 'scratch' not in figures and 'linear' not in figures
    assert {'scratch.top1', 'linear.top1'} <= set(missing)
    (tmp_path / 'finetune.json').write_text('{not json')
    with pytest.raises(ValueError, match='finetune.json: not JSON'):
        collect_figures(str(tmp_path))
    assert set(FIGURES) >= {'pretext', 'finetune', 'scratch', 'linear',
                            'retrieval'}


def test_cli_writes_the_summary(run_script, tmp_path):
    write_run(tmp_path)
    out = tmp_path / 'summary.json'
    code, stdout, err = run_script(
        'tools/analysis/summarize_run.py', tmp_path, '--out', out,
        '--path', 'pictures=vis/x', '--path', 'backbone=b.pth')
    assert code == 0, err
    summary = json.loads(out.read_text())
    assert summary['pretext']['pmsp_mean'] == 0.5
    assert summary['retrieval']['r@10'] == 0.625
    assert summary['paths'] == {'pictures': 'vis/x', 'backbone': 'b.pth'}
    assert summary['missing'] == []
    assert '| linear probe top-1 | 37.5 |' in stdout
    assert 'not run' not in stdout
    (tmp_path / 'scratch.json').unlink()
    code, stdout, _ = run_script('tools/analysis/summarize_run.py', tmp_path)
    assert code == 0 and 'not run: scratch.top1' in stdout


def test_cli_errors(run_script, tmp_path):
    code, _, err = run_script('tools/analysis/summarize_run.py',
                              tmp_path / 'nope')
    assert code == 1 and 'no such folder' in err
    code, _, err = run_script('tools/analysis/summarize_run.py', tmp_path)
    assert code == 1 and 'no metric file' in err
    code, _, err = run_script('tools/analysis/summarize_run.py', tmp_path,
                              '--path', 'nameonly')
    assert code == 2 and 'NAME=PATH' in err
