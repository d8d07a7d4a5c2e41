"""The package root is light; registration is ``mmaction_imr.register``.

Each check runs in a fresh interpreter: this test process has imported
``mmaction_imr.register`` already (tests/conftest.py).
"""
import json
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
HEAVY = ('torch', 'mmengine', 'mmcv', 'mmaction')

#: One component per registry the plugin fills.
COMPONENTS = {
    'TRANSFORMS': 'CompressedVideoInit',
    'MODELS': 'IMRResNet3d',
    'METRICS': 'PretextAccuracy',
    'HOOKS': 'CompressedVisualizationHook',
}

_REPORT = """
import json, sys
{imports}
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})
registered = {{}}
if 'mmaction.registry' in sys.modules:
    import mmaction.registry as reg
    # module_dict, not .get(): get() would import mmaction's own modules
    registered = {{r: n in getattr(reg, r).module_dict
                  for r, n in {components!r}.items()}}
print(json.dumps(dict(heavy=heavy, registered=registered)))
"""


def _fresh(imports: str) -> dict:
    """What a fresh interpreter has loaded and registered after ``imports``."""
    code = _REPORT.format(
        imports=imports, heavy=HEAVY, components=COMPONENTS)
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_root_imports_nothing_heavy_and_registers_nothing():
    report = _fresh('import mmaction_imr')
    assert report['heavy'] == []
    # and importing mmaction2 afterwards does not make the plugin appear
    report = _fresh('import mmaction_imr, mmaction.registry')
    assert report['registered'] == {r: False for r in COMPONENTS}


def test_data_preparation_stays_light():
    # what tools/data/* import: no torch / mmengine / mmaction start-up
    assert _fresh('import mmaction_imr.prepare')['heavy'] == []


def test_register_registers_every_kind_of_component():
    report = _fresh('import mmaction_imr.register')
    assert report['registered'] == {r: True for r in COMPONENTS}


@pytest.mark.parametrize('subpackage', ['models', 'datasets', 'engine',
                                        'evaluation'])
def test_subpackage_imports_alone(subpackage):
    # mmaction.models needs the shims; importing a subpackage directly
    # (without mmaction_imr.register) must work all the same
    report = _fresh(f'import mmaction_imr.{subpackage}')
    assert 'mmaction' in report['heavy']


def test_register_names_mmcv_when_missing():
    code = ("import sys; sys.modules['mmcv'] = None\n"
            'import mmaction_imr.register')
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'the `mmcv` package is not installed' in proc.stderr
    assert 'mmcv-lite' in proc.stderr


def test_one_version_string():
    import mmaction_imr
    out = subprocess.run([sys.executable, 'setup.py', '--version'],
                         cwd=REPO, check=True, capture_output=True,
                         text=True).stdout
    assert out.split()[-1] == mmaction_imr.__version__
