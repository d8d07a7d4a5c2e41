"""Fixtures of the tool tests: a script of tools/ loaded as a module."""
import importlib.util
import os.path as osp

import pytest


@pytest.fixture(scope='module')
def tool(request):
    """The script named by the test module's ``TOOL`` (a path), loaded as a
    module so that a test calls its ``main(argv)`` in this process (the
    registries and patches of the session apply, no subprocess start-up)."""
    path = request.module.TOOL
    name = osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f'tool_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
