"""Fixtures shared by the whole suite."""
import os.path as osp

import pytest

import mmaction_imr.register  # noqa: F401  (shims + registration first)

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: Real videos from public repositories, beside the checkout (see SOURCES.md).
TESTDATA = osp.join(osp.dirname(REPO_ROOT), 'shared', 'testdata')


@pytest.fixture(scope='session')
def testdata_dir() -> str:
    """``../shared/testdata``; tests using it skip when it is absent."""
    if not osp.isdir(TESTDATA):
        pytest.skip(f'real test videos not found at {TESTDATA} '
                    '(the shared/ folder beside the checkout)')
    return TESTDATA
