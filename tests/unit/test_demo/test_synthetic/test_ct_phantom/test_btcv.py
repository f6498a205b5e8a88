import numpy as np

from demo.synthetic.ct_phantom.btcv import BTCV_LABELS


def test_btcv_ids_match_mmseg_converter_mapping():
    from tests.helpers.mmseg_converters import load_mmseg_converter

    mapping = load_mmseg_converter('synapse').label_mapping
    mmseg_classes = ('background', 'aorta', 'gallbladder', 'left_kidney', 'right_kidney', 'liver',
                     'pancreas', 'spleen', 'stomach')  # fmt: skip
    for btcv_id, name in BTCV_LABELS.items():
        mapped = int(mapping(np.array([btcv_id]))[0])
        assert mmseg_classes[mapped] == (name if name in mmseg_classes else 'background')
