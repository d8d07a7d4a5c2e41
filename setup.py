"""Install mmaction-imr: ``pip install -e .`` (see the README, "Install").

``install_requires`` holds compatible ranges, so that installing next to a
CUDA build of torch or a full mmcv keeps them; the exact versions the
project is tested with are in ``requirements/constraints.txt``, which
``tools/setup_env.sh`` installs.
"""
import os.path as osp

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))

# Ranges, not pins: pip must keep a torch (e.g. a CUDA build) the user
# already has, so torch has no upper bound. mmaction2 and mmengine stay in
# the series whose internals mmaction_imr/compat.py patches; PyAV changes its
# API between major releases. OpenCV is not listed: mmengine requires it,
# and of its wheels (opencv-python, -contrib, -headless) any one will do.
INSTALL_REQUIRES = [
    'torch>=2.1',
    'mmengine>=0.10.4,<1.0',
    'mmaction2>=1.2.0,<1.3',
    'av>=18.1,<19',
    'numpy>=1.24',
    'rich>=13',
    # mmaction2 1.2.0 imports it without declaring it.
    'importlib-metadata',
]
# mmcv is not in INSTALL_REQUIRES: mmcv-lite (CPU, no compiled ops) and full
# mmcv (CUDA ops, built for one torch) are two distributions of the same
# `mmcv` package, and requiring either would make pip replace the other.
# mmaction_imr.register checks that one of them is there.
MMCV_RANGE = '>=2.0.0rc4,<2.2.0'  # what mmaction2 1.2.0 supports
EXTRAS_REQUIRE = {
    'lite': [f'mmcv-lite{MMCV_RANGE}'],
    'tests': ['pytest', 'pytest-xdist'],
    # TensorBoard logging: default_runtime.py adds mmengine's
    # TensorboardVisBackend when it is installed. 2.18 is the first release
    # that works with numpy 2.
    'vis': ['tensorboard>=2.18,<3'],
}


def read_version() -> str:
    """``__version__`` from mmaction_imr/version.py, without importing it."""
    namespace = {}
    with open(osp.join(HERE, 'mmaction_imr', 'version.py'),
              encoding='utf-8') as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def readme() -> str:
    with open(osp.join(HERE, 'README.md'), encoding='utf-8') as f:
        return f.read()


setup(
    name='mmaction-imr',
    version=read_version(),
    description=('MMAction2 plugin: self-supervised video representation '
                 'learning from compressed videos (IMRNet)'),
    long_description=readme(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmaction_imr', 'mmaction_imr.*']),
    python_requires='>=3.10',
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS_REQUIRE,
    license='Apache-2.0',
    classifiers=[
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
