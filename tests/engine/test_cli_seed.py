"""tools/train.py --seed wins over a config's fixed ``randomness`` (mmaction2's
merge_args alone ignores it there, so every seed of a sweep trained alike)."""
import os.path as osp
import runpy

from mmengine.config import Config

from mmaction_imr.engine.cli import apply_seed, load_upstream_tool

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOY = osp.join(REPO, 'configs', 'toy',
               'imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py')


def _args(seed):
    """tools/train.py's own arguments for ``TOY --seed seed``."""
    tool = runpy.run_path(osp.join(REPO, 'tools', 'train.py'))
    return tool['parse_args']([TOY, '--seed', str(seed)])


def test_explicit_seed_overrides_the_configs():
    cfg = Config.fromfile(TOY)
    assert cfg.randomness.seed == 0  # the config fixes one (repeatable tests)
    merged = load_upstream_tool('train').merge_args(cfg, _args(3))
    assert merged.randomness.seed == 0  # upstream keeps it: the bug
    assert apply_seed(merged, 3).randomness.seed == 3
    assert apply_seed(Config(dict(randomness=dict(seed=5, deterministic=True))),
                      None).randomness == dict(seed=5, deterministic=True)
    fresh = apply_seed(Config(dict()), 7)
    assert fresh.randomness == dict(seed=7)
