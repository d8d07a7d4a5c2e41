"""The model zoo: ``model-index.yml`` and ``configs/*/metafile.yml``.

They are what ``mim`` reads (OpenMMLab's model-index format, as mmaction2
writes it). Checked here: every metafile is imported, every config of a zoo
folder is listed once under its own name, the metadata agree with the config
and its name, results are numbers (and, until a paper-scale run exists, only
the toy figures measured in README.md), and the folder READMEs link every
config. Each config is loaded with ``Config.fromfile``; building its model
and pipelines is tests/test_configs.py's job (it builds every config), so it
is not repeated here.
"""
import glob
import os.path as osp
import re

import pytest
import yaml
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: Folders of configs/ in the zoo, in model-index.yml's order.
ZOO_DIRS = ('imrnet', 'selfsup', 'linear', 'mvcgc', 'toy')
#: Folders of configs/ that hold no models: shared pieces, and a template
#: for your own data set (placeholder paths and class count).
NOT_IN_ZOO = ('_base_', 'custom')
METADATA_KEYS = {
    'Architecture', 'Batch Size', 'Epochs', 'Pretrained', 'Resolution',
    'Training Data', 'Training Resources'
}
#: `{algo}_{backbone}_{gpus}xb{batch}-...` (docs: README "Configs").
GPUS_BATCH = re.compile(r'_(\d+)xb(\d+)-')


def _load(path: str) -> dict:
    with open(osp.join(REPO, path), encoding='utf-8') as f:
        return yaml.safe_load(f)


def _configs(folder: str) -> set:
    """Config paths (relative to the repository) under configs/<folder>/."""
    paths = glob.glob(osp.join(REPO, 'configs', folder, '**', '*.py'),
                      recursive=True)
    return {
        osp.relpath(p, REPO)
        for p in paths if '_base_' not in osp.relpath(p, REPO).split(osp.sep)
    }


METAFILES = {d: _load(f'configs/{d}/metafile.yml') for d in ZOO_DIRS}
MODELS = [(d, m) for d in ZOO_DIRS for m in METAFILES[d]['Models']]
NAMES = {m['Name'] for _, m in MODELS}


def test_every_config_folder_is_in_the_zoo_or_excluded():
    folders = {
        osp.basename(p)
        for p in glob.glob(osp.join(REPO, 'configs', '*')) if osp.isdir(p)
    }
    assert folders == set(ZOO_DIRS) | set(NOT_IN_ZOO)


def test_model_index_imports_every_metafile():
    index = _load('model-index.yml')
    assert index['Import'] == [f'configs/{d}/metafile.yml' for d in ZOO_DIRS]


def test_collections():
    seen = []
    for folder, meta in METAFILES.items():
        names = []
        for coll in meta['Collections']:
            assert coll['README'] == f'configs/{folder}/README.md'
            assert osp.isfile(osp.join(REPO, coll['README']))
            assert coll['Paper']['URL'].startswith('https://')
            assert coll['Paper']['Title']
            names.append(coll['Name'])
        for model in meta['Models']:
            assert model['In Collection'] in names, model['Name']
        seen += names
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize('folder', ZOO_DIRS)
def test_metafile_lists_every_config_once(folder):
    listed = [m['Config'] for m in METAFILES[folder]['Models']]
    assert len(listed) == len(set(listed))
    assert set(listed) == _configs(folder)


def test_names_unique_and_those_of_the_configs():
    assert len(NAMES) == len(MODELS)
    for _, model in MODELS:
        assert model['Config'] == osp.join(
            osp.dirname(model['Config']), model['Name'] + '.py')


@pytest.mark.parametrize('folder,model', MODELS,
                         ids=[m['Name'] for _, m in MODELS])
def test_entry(folder, model):
    meta = model['Metadata']
    assert set(meta) >= METADATA_KEYS
    assert isinstance(model['Modality'], str)
    gpus, batch = map(int, GPUS_BATCH.search(model['Name']).groups())
    assert meta['Training Resources'] == (
        f'{gpus} GPUs' if gpus > 1 else '1 GPU')
    assert meta['Batch Size'] == batch
    epochs = re.search(r'-(\d+)e_', model['Name'])
    if epochs:
        assert meta['Epochs'] == int(epochs.group(1))
    # 'None', or the Name(s) of the zoo model(s) whose weights it loads
    if meta['Pretrained'] != 'None':
        assert set(meta['Pretrained'].split(' + ')) <= NAMES - {model['Name']}

    cfg = Config.fromfile(osp.join(REPO, model['Config']))
    assert cfg.train_cfg.max_epochs == meta['Epochs']
    assert cfg.train_dataloader.batch_size == batch

    # No weights are published yet. One published with
    # tools/publish_model.py is named <name>-<sha256[:8]>.pth.
    if 'Weights' in model:
        assert re.fullmatch(rf'https://\S+/{model["Name"]}\S*-[0-9a-f]{{8}}'
                            r'\.pth', model['Weights'])


def test_results_are_measured_numbers():
    """Results are ours, never the paper's: until a paper-scale config is
    trained, that means the toy figures of README.md."""
    with open(osp.join(REPO, 'README.md'), encoding='utf-8') as f:
        readme = f.read()
    for _, model in MODELS:
        for result in model.get('Results') or []:
            assert 'toy' in result['Dataset'].lower(), model['Name']
            assert isinstance(result['Task'], str)
            assert result['Metrics']
            for key, value in result['Metrics'].items():
                assert isinstance(value, (int, float)) and not isinstance(
                    value, bool), (model['Name'], key)
                assert 0 <= value <= 100
                assert f'{value:.1f}' in readme, (model['Name'], key, value)


@pytest.mark.parametrize('folder', ZOO_DIRS)
def test_readme_links_every_config(folder):
    path = osp.join(REPO, 'configs', folder, 'README.md')
    with open(path, encoding='utf-8') as f:
        text = f.read()
    links = re.findall(r'\]\(([^)#\s]+)[^)]*\)', text)
    for link in links:
        if not re.match(r'[a-z]+://', link):
            assert osp.exists(osp.join(osp.dirname(path), link)), link
    linked = {
        osp.normpath(osp.join('configs', folder, link))
        for link in links if link.endswith('.py')
    }
    assert _configs(folder) <= linked
