#!/usr/bin/env bash
# Your own medical dataset, end to end on CPU, on a phantom in the Medical Segmentation Decathlon
# layout: phantom (if absent) -> the Decathlon / nnU-Net converter (fingerprint, slice plan, folds,
# fitted configs) -> train AttentionUNet and UNet side by side with the configs it wrote (one
# thread each) -> per-volume DSC / HD95 per class -> tools/predict.py on imagesTs.
# Usage: bash demo/msd_demo.sh [WORK_DIR]
#   The demo's own folders lie under DEMO_DIR (default data): a phantom raw set
#   (DEMO_DIR/msd_phantom_raw, generated when absent) and its conversion (DEMO_DIR/msd_phantom,
#   converted on every run, the converter replacing its own earlier set whole). Only these does
#   the demo write or replace, plus WORK_DIR (default work_dirs/msd_demo).
#   RAW: your raw Decathlon or nnU-Net folder instead (dataset.json, imagesTr/, labelsTr/,
#        imagesTs/); only read, never written. DATA: your converted folder instead: converted from
#        RAW when it does not exist (or is empty), used as it is when it holds files.
#   ITERS (default 1000; ITERS= keeps the configs' own schedule), SEED (randomness.seed of both
#   runs, default 0), CROP (train crop, default 96; the fitted configs' 128 costs 1.8x), BATCH
#   (default 4; the configs' 8), FOLD (default 0 of 5), PHANTOM_SEED / NUM_TRAIN / NUM_TEST
#   (phantom, default 0 / 16 / 4), PREDICT (default 1: segment imagesTs with AttentionUNet;
#   0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
fail() {  # the one error line of bad input, exit 2
    echo "error: $*" >&2
    exit 2
}

DEMO_DIR=${DEMO_DIR:-data}
WORK_DIR=${1:-work_dirs/msd_demo}
SEED=${SEED:-0}
CROP=${CROP:-96}
FOLD=${FOLD:-0}
TRAIN_OPTIONS=("train_dataloader.num_workers=1" "train_dataloader.batch_size=${BATCH:-4}"
               "train_dataloader.dataset.pipeline.2.crop_size=($CROP,$CROP)"
               "model.data_preprocessor.size=($CROP,$CROP)")
ITERS=${ITERS-1000}
if [[ -n "$ITERS" ]]; then
    # validation after the last iteration would repeat the test below: skip it
    TRAIN_OPTIONS+=("train_cfg.max_iters=$ITERS" "train_cfg.val_begin=$((ITERS + 1))"
                    "default_hooks.checkpoint.interval=$ITERS")
fi
start=$SECONDS

staging=()  # the demo's own half-written folders, removed on exit
trap 'rm -rf ${staging[@]+"${staging[@]}"}' EXIT

# DATA: a folder you name that holds files is used as it is; otherwise it is converted into.
if [[ -n "${DATA:-}" && -d "$DATA" && -n "$(ls -A "$DATA")" ]]; then
    echo "using the converted set in DATA=$DATA as it is (pass a new DATA to convert RAW again)"
    convert=0
elif [[ -n "${DATA:-}" && -e "$DATA" && ! -d "$DATA" ]]; then
    fail "DATA=$DATA is a file, not a folder: pass a converted folder or a new path"
else
    DATA=${DATA:-$DEMO_DIR/msd_phantom}
    convert=1
fi
if [[ -n "${RAW:-}" ]]; then
    [[ -f "$RAW/dataset.json" ]] || fail "RAW=$RAW holds no dataset.json: point RAW at a" \
        "Decathlon TaskXX_Name or nnU-Net DatasetXXX_Name folder, or unset RAW for the demo's" \
        "phantom; RAW is never written"
else  # the demo's own phantom
    RAW=$DEMO_DIR/msd_phantom_raw
    if [[ ! -e "$RAW" ]] && ((convert)); then  # generated into a hidden folder, then moved
        mkdir -p "$DEMO_DIR"
        staging+=("$(mktemp -d "$DEMO_DIR/.msd_phantom_raw.XXXXXX")")
        python3 demo/generate_decathlon_phantom.py "${staging[-1]}/raw" \
            --seed "${PHANTOM_SEED:-0}" --num-train "${NUM_TRAIN:-16}" --num-test "${NUM_TEST:-4}"
        mv "${staging[-1]}/raw" "$RAW"
    fi
fi
if ((convert)); then  # the converter refuses a folder it did not write, and swaps in whole sets
    python3 tools/dataset_converters/decathlon.py "$RAW" --save-path "$DATA" --preset cpu \
        --fold "$FOLD" --no-progress
fi
ATTN_CONFIG=$(ls "$DATA"/configs/attn-unet-*-fold"$FOLD"-*.py 2>/dev/null | head -n 1) || true
UNET_CONFIG=$(ls "$DATA"/configs/unet-*-fold"$FOLD"-*.py 2>/dev/null | head -n 1) || true
[[ -n "$ATTN_CONFIG" && -n "$UNET_CONFIG" ]] || fail "no fold-$FOLD configs in $DATA/configs/:" \
    "convert with tools/dataset_converters/decathlon.py --fold $FOLD into a new DATA"
data_done=$SECONDS

pids=()
for name in attn_unet unet; do
    config=$([[ $name == attn_unet ]] && echo "$ATTN_CONFIG" || echo "$UNET_CONFIG")
    mkdir -p "$WORK_DIR/$name"
    OMP_NUM_THREADS=1 python3 tools/train.py "$config" --work-dir "$WORK_DIR/$name" --overwrite \
        --cfg-options "randomness.seed=$SEED" "${TRAIN_OPTIONS[@]}" \
        >"$WORK_DIR/$name/train.log" 2>&1 &
    pids+=($!)
done
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        name=$([[ $i == 0 ]] && echo attn_unet || echo unet)
        tail -n 20 "$WORK_DIR/$name/train.log" >&2
        echo "error: training $name failed (log: $WORK_DIR/$name/train.log)" >&2
        exit 2
    fi
done
train_done=$SECONDS

pids=()
for name in attn_unet unet; do
    config=$([[ $name == attn_unet ]] && echo "$ATTN_CONFIG" || echo "$UNET_CONFIG")
    OMP_NUM_THREADS=1 python3 tools/test.py "$config" "$(cat "$WORK_DIR/$name/last_checkpoint")" \
        --work-dir "$WORK_DIR/$name" --out-metrics "$WORK_DIR/$name/metrics.json" \
        --cfg-options "test_dataloader.num_workers=1" >"$WORK_DIR/$name/test.log" 2>&1 &
    pids+=($!)
done
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
        name=$([[ $i == 0 ]] && echo attn_unet || echo unet)
        tail -n 20 "$WORK_DIR/$name/test.log" >&2
        echo "error: testing $name failed (log: $WORK_DIR/$name/test.log)" >&2
        exit 2
    fi
done
test_done=$SECONDS

python3 - "$WORK_DIR/attn_unet/metrics.json" "$WORK_DIR/unet/metrics.json" <<'PY'
import json
import sys

attn, unet = (json.load(open(path))['metrics'] for path in sys.argv[1:])
classes = [key[len('nnunet/DSC.'):] for key in attn if key.startswith('nnunet/DSC.')]
print(f"{'per volume (fold val)':<22} {'DSC AttnUNet':>12} {'DSC UNet':>9} "
      f"{'HD95 AttnUNet':>14} {'HD95 UNet':>10}")
for name in classes:
    print(f"{name:<22} {attn['nnunet/DSC.' + name]:>12.2f} {unet['nnunet/DSC.' + name]:>9.2f} "
          f"{attn['nnunet/HD95_mm.' + name]:>14.2f} {unet['nnunet/HD95_mm.' + name]:>10.2f}")
print(f"{'mean':<22} {attn['nnunet/mDSC']:>12.2f} {unet['nnunet/mDSC']:>9.2f} "
      f"{attn['nnunet/mHD95_mm']:>14.2f} {unet['nnunet/mHD95_mm']:>10.2f}")
print(f'(DSC in %, HD95 in mm; per case: {sys.argv[1]}, {sys.argv[2]})')
PY
if [[ "${PREDICT:-1}" != 0 && -d "$RAW/imagesTs" && -n "$(ls -A "$RAW/imagesTs")" ]]; then
    python3 tools/predict.py "$WORK_DIR/attn_unet/$(basename "$ATTN_CONFIG")" \
        "$(cat "$WORK_DIR/attn_unet/last_checkpoint")" "$RAW/imagesTs" \
        --out-dir "$WORK_DIR/predictions" --overwrite --no-progress
fi
echo "time: data $((data_done - start)) s, train $((train_done - data_done)) s," \
    "test $((test_done - train_done)) s (both networks at once), predict" \
    "$((SECONDS - test_done)) s, total $((SECONDS - start)) s"
