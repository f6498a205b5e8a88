# Same model and per-card batch on 8 cards: 8 x 4 = 32 images per iteration.
# Run with: bash tools/dist_train.sh <this config> 8
_base_ = ['./attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py']
