#!/usr/bin/env bash
# Synapse multi-organ CT on CPU, end to end: phantom (if absent) -> mmseg's converter -> train
# AttentionUNet and UNet side by side (one thread each) -> per-volume DSC/HD95 -> organ by organ.
# Usage: bash demo/synapse_demo.sh [WORK_DIR]
#   RAW: raw folder (default data/synapse_phantom_raw; a phantom is generated there if absent;
#        or your real Synapse raw folder). DATA: converted set (default data/synapse_phantom;
#        converted from RAW if absent, delete it to convert again).
#   ITERS (default 1000; ITERS= keeps the configs' own schedule), SEED (randomness.seed of both
#   runs, default 0), CROP (train/test scale, default 96; the configs' 160 costs 2.8x), BATCH
#   (default 4; the configs' 8), PHANTOM_SEED / NUM_TRAIN / NUM_VAL / SLICES / SIZE (phantom,
#   default 0 / 8 / 4 / 48 / 256x256), ATTN_CONFIG / UNET_CONFIG (the two configs; default the
#   fused deep-supervision pair: with the FCN heads neither network reaches the pancreas in 1000
#   iterations). ATTN_OPTIONS / UNET_OPTIONS: extra --cfg-options of one run only, space-separated
#   (e.g. ATTN_OPTIONS="model.backbone.gate_cfg.joint_norm=False").
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

ATTN_CONFIG=${ATTN_CONFIG:-configs/attn_unet/attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse-phantom-160x160.py}
UNET_CONFIG=${UNET_CONFIG:-configs/unet/unet-s4-d8_fused-dsv_1xb8-1k_synapse-phantom-160x160.py}
RAW=${RAW:-data/synapse_phantom_raw}
DATA=${DATA:-data/synapse_phantom}
WORK_DIR=${1:-work_dirs/synapse_demo}
SEED=${SEED:-0}
CROP=${CROP:-96}
OPTIONS=(
    "train_dataloader.dataset.data_root=$DATA"
    "val_dataloader.dataset.data_root=$DATA"
    "test_dataloader.dataset.data_root=$DATA"
    "randomness.seed=$SEED"
    "model.data_preprocessor.size=($CROP,$CROP)"
    "train_dataloader.dataset.pipeline.2.scale=($CROP,$CROP)"
    "test_dataloader.dataset.pipeline.1.scale=($CROP,$CROP)"
)
TRAIN_OPTIONS=("train_dataloader.num_workers=1" "train_dataloader.batch_size=${BATCH:-4}"
               "val_dataloader.dataset.pipeline.1.scale=($CROP,$CROP)")
ITERS=${ITERS-1000}
if [[ -n "$ITERS" ]]; then
    # validation after the last iteration would repeat the test below: skip it
    TRAIN_OPTIONS+=("train_cfg.max_iters=$ITERS" "train_cfg.val_begin=$((ITERS + 1))"
                    "default_hooks.checkpoint.interval=$ITERS")
fi
start=$SECONDS

if [[ ! -d "$RAW/img" ]]; then
    python3 demo/generate_synapse_phantom.py "$RAW" --seed "${PHANTOM_SEED:-0}" \
        --num-train "${NUM_TRAIN:-8}" --num-val "${NUM_VAL:-4}" --slices "${SLICES:-48}" \
        --size "${SIZE:-256x256}"
    rm -rf "$DATA"
fi
if [[ ! -d "$DATA/img_dir" ]]; then  # delete DATA to convert again
    python3 tools/dataset_converters/synapse.py "$RAW" --save-path "$DATA" --no-progress
fi
data_done=$SECONDS

# Two single-threaded runs at once use 2 cores better than one run on two threads.
read -r -a attn_options <<<"${ATTN_OPTIONS:-}"
read -r -a unet_options <<<"${UNET_OPTIONS:-}"
select_run() {  # config and own (the shared options, then its own) of run $1
    if [[ $1 == unet ]]; then
        config=$UNET_CONFIG
        own=("${OPTIONS[@]}" "${unet_options[@]}")
    else
        config=$ATTN_CONFIG
        own=("${OPTIONS[@]}" "${attn_options[@]}")
    fi
}

pids=()
for name in attn_unet unet; do
    select_run $name
    mkdir -p "$WORK_DIR/$name"
    OMP_NUM_THREADS=1 python3 tools/train.py "$config" --work-dir "$WORK_DIR/$name" \
        --cfg-options "${own[@]}" "${TRAIN_OPTIONS[@]}" >"$WORK_DIR/$name/train.log" 2>&1 &
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
    select_run $name
    OMP_NUM_THREADS=1 python3 tools/test.py "$config" "$(cat "$WORK_DIR/$name/last_checkpoint")" \
        --work-dir "$WORK_DIR/$name" --out-metrics "$WORK_DIR/$name/metrics.json" \
        --cfg-options "${own[@]}" >"$WORK_DIR/$name/test.log" 2>&1 &
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

python3 - "$WORK_DIR/attn_unet/metrics.json" "$WORK_DIR/unet/metrics.json" <<'PY'
import json
import sys

attn, unet = (json.load(open(path))['metrics'] for path in sys.argv[1:])
organs = [key[4:] for key in attn if key.startswith('DSC.')]
print(f"{'Synapse phantom (per volume)':<22} {'DSC AttnUNet':>12} {'DSC UNet':>9} "
      f"{'HD95 AttnUNet':>14} {'HD95 UNet':>10}")
for organ in organs:
    print(f"{organ:<22} {attn['DSC.' + organ]:>12.2f} {unet['DSC.' + organ]:>9.2f} "
          f"{attn['HD95.' + organ]:>14.2f} {unet['HD95.' + organ]:>10.2f}")
print(f"{'mean':<22} {attn['mDSC']:>12.2f} {unet['mDSC']:>9.2f} "
      f"{attn['mHD95']:>14.2f} {unet['mHD95']:>10.2f}")
print(f'(DSC in %, HD95 in voxels; metrics: {sys.argv[1]}, {sys.argv[2]})')
PY
echo "time: data $((data_done - start)) s, train $((train_done - data_done)) s," \
    "test $((SECONDS - train_done)) s (both networks at once), total $((SECONDS - start)) s"
