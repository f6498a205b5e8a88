"""What the tools call: load a config, train, test, load a segmentor, run a command line.

``tools/*.py`` parse their arguments and call one function of this room; the
logic lives here, above the engine, where it is tested.

The names are imported on first use (PEP 562), so ``import attn_unet.apis.predict`` and
``attn_unet.apis.cli`` do not load the engine: the onnxruntime predictor runs without torch.
"""

from attn_unet.lazy_exports import lazy_exports

# name -> the module that defines it, imported on first use
_EXPORTS = {
    'DictAction': '.dict_action',
    'attention_grid_for_image': '.attention',
    'build_runner': '.runner',
    'build_segmentor': '.segmentor',
    'check_dataset': '.check_dataset',
    'default_verify_shapes': '.export',
    'export_onnx': '.export',
    'format_tool_error': '.cli',
    'load_config': '.config',
    'load_image': '.segmentor',
    'load_segmentor': '.segmentor',
    'parse_cfg_options': '.dict_action',
    'prepare_test_cfg': '.test',
    'prepare_train_cfg': '.train',
    'run_cli': '.cli',
    'run_test': '.test',
    'run_train': '.train',
    'syncbn_to_bn': '.segmentor',
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
