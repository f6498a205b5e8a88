#!/usr/bin/env bash
# Synthetic DRIVE end to end on CPU: generate fundus zips (if absent) -> mmseg's DRIVE converter
# -> train AttentionUNet-S4-D8 and UNet-S4-D8 side by side (two processes, one thread each)
# -> sliding-window test (64x64, stride 42) -> vessel Dice, mDice, vessel IoU, thin recall.
# Usage: bash demo/drive_demo.sh [WORK_DIR]
#   ITERS (default 1000, the config's schedule; at 400, 4 of 12 measured runs still predicted
#   no vessel at all), SEED (randomness.seed of both runs; default 0),
#   BINARY=1 (also train the one-channel sigmoid twins; BINARY=only: just them),
#   DATA (default data/DRIVE_phantom),
#   ZIPS (default data/fundus_zips), DATA_SEED (generator seed, default 0),
#   NUM_TRAIN / NUM_TEST / SIZE (generated set: 16 / 8 images of SIZE x SIZE, default 256).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

WORK_DIR=${1:-work_dirs/drive_demo}
DATA=${DATA:-data/DRIVE_phantom}
ZIPS=${ZIPS:-data/fundus_zips}
ITERS=${ITERS:-1000}
SEED=${SEED:-0}
SIZE=${SIZE:-256}
case "${BINARY:-0}" in
    1) VARIANTS=(fcn fcn-sigmoid) ;;
    only) VARIANTS=(fcn-sigmoid) ;;
    *) VARIANTS=(fcn) ;;
esac
DATA_OPTIONS=(
    "train_dataloader.dataset.dataset.data_root=$DATA"
    "val_dataloader.dataset.data_root=$DATA"
    "test_dataloader.dataset.data_root=$DATA"
    "randomness.seed=$SEED"
)
# no validation inside training (val_begin past the end): the test step below evaluates
ITER_OPTIONS=("train_cfg.max_iters=$ITERS" "train_cfg.val_begin=$((ITERS + 1))"
              "param_scheduler.0.end=$ITERS" "default_hooks.checkpoint.interval=$ITERS")
start=$SECONDS

if [[ ! -f "$ZIPS/training.zip" || ! -f "$ZIPS/test.zip" ]]; then
    python3 demo/generate_fundus.py "$ZIPS" --num-train "${NUM_TRAIN:-16}" \
        --num-test "${NUM_TEST:-8}" --height "$SIZE" --width "$SIZE" --seed "${DATA_SEED:-0}"
fi
python3 tools/dataset_converters/drive.py "$ZIPS/training.zip" "$ZIPS/test.zip" -o "$DATA"

config_of() {  # network variant -> config path
    local folder=$1 prefix=$1
    [[ $1 == attn-unet ]] && folder=attn_unet
    echo "configs/$folder/$prefix-s4-d8_$2_1xb4-1k_drive-phantom-64x64.py"
}

RUNS=()
for variant in "${VARIANTS[@]}"; do
    pids=()
    for net in attn-unet unet; do
        run="$net-$variant"
        RUNS+=("$run")
        mkdir -p "$WORK_DIR/$run"
        OMP_NUM_THREADS=1 python3 tools/train.py "$(config_of "$net" "$variant")" \
            --work-dir "$WORK_DIR/$run" --cfg-options "${DATA_OPTIONS[@]}" "${ITER_OPTIONS[@]}" \
            > "$WORK_DIR/$run/train.log" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        if ! wait "${pids[$i]}"; then
            run=${RUNS[$((${#RUNS[@]} - 2 + i))]}
            tail -n 20 "$WORK_DIR/$run/train.log" >&2
            echo "error: training $run failed; its log: $WORK_DIR/$run/train.log" >&2
            exit 1
        fi
    done
done
train_done=$SECONDS

for run in "${RUNS[@]}"; do
    net=${run%%-fcn*}
    variant=${run#"$net"-}
    OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} python3 tools/test.py "$(config_of "$net" "$variant")" "$(cat "$WORK_DIR/$run/last_checkpoint")" \
        --work-dir "$WORK_DIR/$run" --out-metrics "$WORK_DIR/$run/metrics.json" \
        --cfg-options "${DATA_OPTIONS[@]}" > "$WORK_DIR/$run/test.log" 2>&1 \
        || { tail -n 20 "$WORK_DIR/$run/test.log" >&2; exit 1; }
done

python3 - "$WORK_DIR" "${RUNS[@]}" <<'PY'
import json
import sys

work_dir, runs = sys.argv[1], sys.argv[2:]
keys = ('Dice_vessel', 'mDice', 'IoU_vessel', 'Recall_thin')
print(f"synthetic DRIVE test set ({work_dir}):")
print(f"{'model':<24}" + ''.join(f'{k:>13}' for k in keys))
for run in runs:
    metrics = json.load(open(f'{work_dir}/{run}/metrics.json'))['metrics']
    print(f'{run:<24}' + ''.join(f'{metrics[k]:>13.2f}' for k in keys))
PY
echo "time: train $((train_done - start)) s (incl. data), total $((SECONDS - start)) s"
