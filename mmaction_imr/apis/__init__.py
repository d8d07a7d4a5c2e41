"""Inference on a video file, like :mod:`mmaction.apis`.

Importing this package registers the plugin (:mod:`mmaction_imr.register`).
"""
from .args import add_model_args, result_on_stdout, tool_parser
from .inference import (PMSPResult, inference_pmsp, inference_recognizer,
                        init_model, prepare_clip)

__all__ = [
    'init_model', 'prepare_clip', 'inference_recognizer', 'inference_pmsp',
    'PMSPResult', 'add_model_args', 'tool_parser', 'result_on_stdout'
]
