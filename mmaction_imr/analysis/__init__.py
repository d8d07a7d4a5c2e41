"""Measurement code behind the tools in ``tools/analysis/`` (FLOPs, stream
statistics, loader benchmarks, sensitivity diagnostics).

The tools are thin command lines; what they compute lives here so that it
can be imported, tested and reused. Import the submodule you need, e.g.
``from mmaction_imr.analysis import flops``: this package imports nothing
on its own.
"""
__all__ = [
    'flops', 'loader_benchmark', 'model_benchmark', 'pretext_benchmark',
    'run_summary', 'seeds', 'sensitivity', 'stream_stats', 'timing'
]
