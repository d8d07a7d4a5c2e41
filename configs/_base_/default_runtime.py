# Runtime shared by every config of mmaction-imr (mmaction2's, plus the
# plugin import and our checkpoint / visualisation settings).
default_scope = 'mmaction'
# Registration is explicit: a bare `import mmaction_imr` registers nothing.
custom_imports = dict(
    imports=['mmaction_imr.register'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Keep the last 3 epochs and the best one: a run that dies while
    # writing a checkpoint still has the previous ones, and `--resume`
    # picks the latest complete one.
    checkpoint=dict(
        type='CheckpointHook', interval=1, max_keep_ckpts=3,
        save_best='auto'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # Record each saved checkpoint in the keyed manifest beside it: the
    # run's own checkpoints load (resume, test) with any tool, nothing else
    # is unpickled without being named (mmaction_imr/engine/checkpoint.py).
    checkpoint_manifest=dict(type='CheckpointManifestHook'),
    # Random states in every checkpoint: `--resume` repeats the
    # uninterrupted seeded run exactly.
    rng_state=dict(type='RNGStateHook'),
    # End the process group before exit (gloo aborts at shutdown otherwise).
    dist_shutdown=dict(type='DistShutdownHook'),
    # Off by default; `tools/test.py --show-dir DIR` turns it on.
    visualization=dict(type='CompressedVisualizationHook', enable=False))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # Without a GPU the registration module runs nccl jobs on gloo.
    dist_cfg=dict(backend='nccl'))

# mmengine's DDP wrapper with mmengine's defaults, but it also wraps CPU
# modules (mmengine passes `device_ids`, which torch refuses for those).
# Set `find_unused_parameters` here: with a wrapper config mmengine ignores
# the top-level `find_unused_parameters`. The scope prefix is needed: the
# Runner looks the type up in mmengine's root registry.
model_wrapper_cfg = dict(
    type='mmaction.IMRDistributedDataParallel', broadcast_buffers=False,
    find_unused_parameters=False)

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)

# Every logged scalar goes to <work_dir>/<timestamp>/vis_data/scalars.json
# (JSON lines, drawn by tools/analysis/plot_curves.py), and to TensorBoard
# as well when it is installed (`pip install -e ".[vis]"`). The test runs
# when the config is loaded, so a dumped config names the backends its run
# used. `__import__`, not an `import` statement: mmengine reads a config
# with an import of a module outside the interpreter's prefix (the standard
# library, seen from a venv) as a new-style lazy-import config.
_find_spec = __import__('importlib.util').util.find_spec
vis_backends = [dict(type='LocalVisBackend')]
if _find_spec('tensorboard') is not None:
    vis_backends.append(dict(type='TensorboardVisBackend'))
del _find_spec
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False
