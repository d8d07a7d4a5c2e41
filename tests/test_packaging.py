"""setup.py's ranges and requirements/constraints.txt's pins agree."""
import ast
import os.path as osp
import re

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONSTRAINTS = osp.join(REPO, 'requirements', 'constraints.txt')
OPENCV_WHEELS = ('opencv-python', 'opencv-contrib-python',
                 'opencv-python-headless', 'opencv-contrib-python-headless')


def _pins() -> dict:
    """``{canonical name: version}`` of the constraints file."""
    pins = {}
    with open(CONSTRAINTS, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.split('#')[0].strip()
            if not line:
                continue
            m = re.fullmatch(r'([A-Za-z0-9._-]+)==(\S+)', line)
            assert m, f'{CONSTRAINTS}:{lineno}: not "name==version": {line}'
            name = canonicalize_name(m.group(1))
            assert name not in pins, f'{CONSTRAINTS}:{lineno}: {name} twice'
            pins[name] = m.group(2)
    return pins


def _setup_list(name: str) -> list:
    """A list literal assigned to ``name`` in setup.py (without running it)."""
    with open(osp.join(REPO, 'setup.py'), encoding='utf-8') as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name
                for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f'setup.py defines no {name}')


def test_exactly_one_opencv_wheel_pinned():
    assert [n for n in _pins() if n in OPENCV_WHEELS] == [
        'opencv-contrib-python'
    ]


@pytest.mark.parametrize('line', _setup_list('INSTALL_REQUIRES'))
def test_pins_satisfy_install_requires(line):
    req = Requirement(line)
    pins = _pins()
    name = canonicalize_name(req.name)
    assert name in pins, f'{name} is required but not pinned'
    # a local label (torch's +cpu) is a build of the same release
    assert req.specifier.contains(Version(pins[name]).public,
                                  prereleases=True), (name, pins[name])


def test_install_requires_ranges_and_no_mmcv():
    names = [Requirement(r).name for r in _setup_list('INSTALL_REQUIRES')]
    # both distributions provide `mmcv`: requiring one replaces the other
    assert not {'mmcv', 'mmcv-lite'} & set(names)
    for line in _setup_list('INSTALL_REQUIRES'):
        assert '==' not in line, f'{line}: a pin, not a range'
