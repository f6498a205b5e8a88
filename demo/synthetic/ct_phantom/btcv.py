"""The organ ids of the BTCV (Synapse) release and the split papers train and test on.

Multi-Atlas Labeling Beyond the Cranial Vault (synapse.org) labels 13 abdominal organs
with ids 1..13 (0: background); TransUNet and Swin-Unet train on 18 of its 30 labelled
volumes and test on the other 12.
"""

__all__ = ['BTCV_LABELS', 'SYNAPSE_TEST_IDS', 'SYNAPSE_TRAIN_IDS']

BTCV_LABELS = {
    1: 'spleen',
    2: 'right_kidney',
    3: 'left_kidney',
    4: 'gallbladder',
    5: 'esophagus',
    6: 'liver',
    7: 'stomach',
    8: 'aorta',
    9: 'inferior_vena_cava',
    10: 'portal_and_splenic_vein',
    11: 'pancreas',
    12: 'right_adrenal_gland',
    13: 'left_adrenal_gland',
}
# The split of TransUNet / Swin-Unet (18 training and 12 test volumes).
SYNAPSE_TRAIN_IDS = (5, 6, 7, 9, 10, 21, 23, 24, 26, 27, 28, 30, 31, 33, 34, 37, 39, 40)
SYNAPSE_TEST_IDS = (1, 2, 3, 4, 8, 22, 25, 29, 32, 35, 36, 38)
