# UNet-S5-D16 + FCN (and auxiliary FCN) for Synapse CT: 9 classes (background + 8 organs), the
# protocol's loss 0.5 cross-entropy + 0.5 Dice on both heads (the auxiliary pair at 0.4 of that),
# where the Dice is ClassMeanDiceLoss (softmax, one Dice per class, class mean; mmseg's DiceLoss is
# sigmoid or pooled over classes). The cross-entropy averages over labelled pixels, as PyTorch's
# (avg_non_ignore=True).
# Input: the converter maps the CT window [-125, 275] HU to 0..255 and copies it into 3 channels,
# so ImageNet statistics mean nothing here. mean 0 / std 255 feeds the network (HU + 125) / 400 in
# [0, 1], the input TransUNet's pipeline trains on; the channels are equal, so no BGR swap.
_base_ = ['./fcn_unet_s5-d16.py']
num_classes = 9
data_preprocessor = dict(mean=[0.0, 0.0, 0.0], std=[255.0, 255.0, 255.0], bgr_to_rgb=False)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(
        num_classes=num_classes,
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True, loss_weight=0.5),
            dict(type='ClassMeanDiceLoss', loss_weight=0.5),
        ]),
    auxiliary_head=dict(
        num_classes=num_classes,
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True, loss_weight=0.2),
            dict(type='ClassMeanDiceLoss', loss_weight=0.2),
        ]))
