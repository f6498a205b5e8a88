#!/usr/bin/env bash
# Synapse multi-organ CT on CPU, end to end: phantom (if absent) -> the Synapse converter -> train
# AttentionUNet and UNet side by side (one thread each) -> per-volume DSC/HD95 -> organ by organ.
# Usage: bash demo/synapse_demo.sh [WORK_DIR]
#   The demo's own folders lie under DEMO_DIR (default data): a phantom raw set
#   (DEMO_DIR/synapse_phantom_raw, generated when absent) and its conversion
#   (DEMO_DIR/synapse_phantom, or synapse_phantom_kK for CONTEXT=K; converted on every run, the
#   converter replacing its own earlier set whole). Only these does the demo write or replace.
#   RAW: your raw Synapse folder instead (img/, label/, train.txt, val.txt); only read, never
#        written. DATA: your converted folder instead: converted from RAW when it does not exist
#        (or is empty), used as it is when it holds files (delete it yourself to convert again).
#   CONTEXT (default 1): K slices per input; 3 or 5 convert with --context K and train the 2.5D
#   twin pair (*_synapse-2.5d-kK-phantom-160x160.py).
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
fail() {  # the one error line of bad input, exit 2
    echo "error: $*" >&2
    exit 2
}

DEMO_DIR=${DEMO_DIR:-data}
CONTEXT=${CONTEXT:-1}
case "$CONTEXT" in
    1) DATA_NAME=synapse_phantom PAIR=synapse-phantom ;;
    3 | 5) DATA_NAME=synapse_phantom_k$CONTEXT PAIR=synapse-2.5d-k$CONTEXT-phantom ;;
    *) fail "CONTEXT=$CONTEXT has no config pair: use 1 (2D slices), 3 or 5 (the 2.5D twins)" ;;
esac
ATTN_CONFIG=${ATTN_CONFIG:-configs/attn_unet/attn-unet-s4-d8_fused-dsv_1xb8-1k_$PAIR-160x160.py}
UNET_CONFIG=${UNET_CONFIG:-configs/unet/unet-s4-d8_fused-dsv_1xb8-1k_$PAIR-160x160.py}
WORK_DIR=${1:-work_dirs/synapse_demo}
SEED=${SEED:-0}
CROP=${CROP:-96}
TRAIN_OPTIONS=("train_dataloader.num_workers=1" "train_dataloader.batch_size=${BATCH:-4}"
               "val_dataloader.dataset.pipeline.1.scale=($CROP,$CROP)")
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
    fail "DATA=$DATA is a file, not a folder: pass a converted Synapse folder or a new path"
else
    DATA=${DATA:-$DEMO_DIR/$DATA_NAME}
    convert=1
fi
if ((convert)) && [[ -n "${RAW:-}" ]]; then
    [[ -d "$RAW" ]] || fail "RAW=$RAW not found: pass your raw Synapse folder, or unset RAW" \
        "for the demo's phantom"
    [[ -d "$RAW/img" && -d "$RAW/label" ]] || fail "RAW=$RAW holds no img/ and label/ folders:" \
        "point RAW at the folder that holds img/, label/, train.txt and val.txt (for the real" \
        "download, RawData/Training), or unset RAW for the demo's phantom; RAW is never written"
elif ((convert)); then  # the demo's own phantom
    RAW=$DEMO_DIR/synapse_phantom_raw
    if [[ ! -e "$RAW" ]]; then  # generated whole into a hidden folder, then moved in place
        mkdir -p "$DEMO_DIR"
        staging+=("$(mktemp -d "$DEMO_DIR/.synapse_phantom_raw.XXXXXX")")
        python3 demo/generate_synapse_phantom.py "${staging[-1]}/raw" \
            --seed "${PHANTOM_SEED:-0}" --num-train "${NUM_TRAIN:-8}" --num-val "${NUM_VAL:-4}" \
            --slices "${SLICES:-48}" --size "${SIZE:-256x256}"
        mv "${staging[-1]}/raw" "$RAW"
    fi
fi
OPTIONS=(
    "train_dataloader.dataset.data_root=$DATA"
    "val_dataloader.dataset.data_root=$DATA"
    "test_dataloader.dataset.data_root=$DATA"
    "randomness.seed=$SEED"
    "model.data_preprocessor.size=($CROP,$CROP)"
    "train_dataloader.dataset.pipeline.2.scale=($CROP,$CROP)"
    "test_dataloader.dataset.pipeline.1.scale=($CROP,$CROP)"
)
if ((convert)); then  # the converter refuses a folder it did not write, and swaps in whole sets
    python3 tools/dataset_converters/synapse.py "$RAW" --save-path "$DATA" \
        --context "$CONTEXT" --no-progress
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
    OMP_NUM_THREADS=1 python3 tools/train.py "$config" --work-dir "$WORK_DIR/$name" --overwrite \
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
organs = [key[len('transunet/DSC.'):] for key in attn if key.startswith('transunet/DSC.')]
print(f"{'Synapse phantom (per volume)':<22} {'DSC AttnUNet':>12} {'DSC UNet':>9} "
      f"{'HD95 AttnUNet':>14} {'HD95 UNet':>10}")
for organ in organs:
    print(f"{organ:<22} {attn['transunet/DSC.' + organ]:>12.2f} {unet['transunet/DSC.' + organ]:>9.2f} "
          f"{attn['transunet/HD95_vox.' + organ]:>14.2f} {unet['transunet/HD95_vox.' + organ]:>10.2f}")
print(f"{'mean':<22} {attn['transunet/mDSC']:>12.2f} {unet['transunet/mDSC']:>9.2f} "
      f"{attn['transunet/mHD95_vox']:>14.2f} {unet['transunet/mHD95_vox']:>10.2f}")
print(f'(DSC in %, HD95 in voxels; metrics: {sys.argv[1]}, {sys.argv[2]})')
PY
echo "time: data $((data_done - start)) s, train $((train_done - data_done)) s," \
    "test $((SECONDS - train_done)) s (both networks at once), total $((SECONDS - start)) s"
