"""Install mmaction-imr: ``pip install -e .`` (add ``[tests]`` for pytest)."""
from setuptools import find_packages, setup

# The stack of ../shared/DESIGN.md §1, pinned: the compatibility shims in
# mmaction_imr/compat.py are written (and tested) against exactly these.
INSTALL_REQUIRES = [
    'torch==2.13.0',
    'mmengine==0.10.7',
    'mmcv-lite==2.1.0',
    'mmaction2==1.2.0',
    'av==18.1.0',
    'numpy',
    # mmaction2 1.2.0 imports it without declaring it.
    'importlib-metadata',
]


def readme() -> str:
    with open('README.md', encoding='utf-8') as f:
        return f.read()


setup(
    name='mmaction-imr',
    version='0.1.0',
    description=('MMAction2 plugin: self-supervised video representation '
                 'learning from compressed videos (IMRNet, MVCGC)'),
    long_description=readme(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['mmaction_imr', 'mmaction_imr.*']),
    python_requires='>=3.10',
    install_requires=INSTALL_REQUIRES,
    extras_require={'tests': ['pytest']},
    license='Apache-2.0',
    classifiers=[
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
