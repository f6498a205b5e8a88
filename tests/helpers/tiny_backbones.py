"""The 3-stage, 4-channel UNet shape the model tests build: outputs 16 @ H/4, 8 @ H/2, 4 @ H."""

TINY3_UNET = dict(
    base_channels=4,
    num_stages=3,
    strides=(1, 1, 1),
    enc_num_convs=(1, 1, 1),
    dec_num_convs=(1, 1),
    downsamples=(True, True),
    enc_dilations=(1, 1, 1),
    dec_dilations=(1, 1),
)
# The same with a gate on both skips.
TINY3 = dict(TINY3_UNET, attention_stages=(True, True))
