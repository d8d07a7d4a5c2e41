"""A DDP wrapper that works for CPU modules too."""
from mmengine.model import MMDistributedDataParallel

from mmaction.registry import MODEL_WRAPPERS

__all__ = ['IMRDistributedDataParallel']


@MODEL_WRAPPERS.register_module()
class IMRDistributedDataParallel(MMDistributedDataParallel):
    """mmengine's ``MMDistributedDataParallel``, also for modules on the CPU.

    mmengine's Runner passes ``device_ids=[LOCAL_RANK]`` to every DDP
    wrapper, and torch rejects ``device_ids`` for a module on the CPU. This
    wrapper drops them when the module's parameters are not on a GPU; with
    CUDA it is ``MMDistributedDataParallel`` unchanged. The configs select
    it with ``model_wrapper_cfg`` of type
    ``'mmaction.IMRDistributedDataParallel'``
    (``configs/_base_/default_runtime.py``; the Runner looks the type up in
    mmengine's root registry, hence the scope), so nothing is patched for
    other code.
    """

    def __init__(self, module, detect_anomalous_params: bool = False,
                 **kwargs) -> None:
        param = next(module.parameters(), None)
        if param is None or param.device.type == 'cpu':
            kwargs.pop('device_ids', None)
            kwargs.pop('output_device', None)
        super().__init__(module, detect_anomalous_params, **kwargs)
