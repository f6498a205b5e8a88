#!/usr/bin/env bash
# Synthetic DRIVE end to end on CPU: generate fundus zips (if absent) -> the DRIVE converter
# -> train AttentionUNet-S4-D8 and UNet-S4-D8 side by side (two processes, one thread each)
# -> sliding-window test (64x64, stride 42) -> vessel Dice, mDice, vessel IoU, thin recall.
# Usage: bash demo/drive_demo.sh [WORK_DIR]
#   ITERS (default 1000, the config's schedule; at 400, 4 of 12 measured runs still predicted
#   no vessel at all), SEED (randomness.seed of both runs; default 0),
#   BINARY=1 (also train the one-channel sigmoid twins; BINARY=only: just them),
#   The demo's own folders lie under DEMO_DIR (default data): generated zips
#   (DEMO_DIR/fundus_zips, generated when absent) and their conversion (DEMO_DIR/DRIVE_phantom,
#   converted on every run, the converter replacing its own earlier set whole). Only these does
#   the demo write or replace.
#   ZIPS: your folder with DRIVE's training.zip and test.zip instead (both; only read).
#   DATA: your converted folder instead: converted from ZIPS when it does not exist (or is
#   empty), used as it is when it holds files (delete it yourself to convert again).
#   DATA_SEED (generator seed, default 0),
#   NUM_TRAIN / NUM_TEST / SIZE (generated set: 16 / 8 images of SIZE x SIZE, default 256).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
fail() {  # the one error line of bad input, exit 2
    echo "error: $*" >&2
    exit 2
}

WORK_DIR=${1:-work_dirs/drive_demo}
DEMO_DIR=${DEMO_DIR:-data}
ITERS=${ITERS:-1000}
SEED=${SEED:-0}
SIZE=${SIZE:-256}
case "${BINARY:-0}" in
    1) VARIANTS=(fcn fcn-sigmoid) ;;
    only) VARIANTS=(fcn-sigmoid) ;;
    *) VARIANTS=(fcn) ;;
esac
start=$SECONDS
staging=()  # the demo's own half-written folders, removed on exit
trap 'rm -rf ${staging[@]+"${staging[@]}"}' EXIT

# DATA: a folder you name that holds files is used as it is; otherwise it is converted into.
if [[ -n "${DATA:-}" && -d "$DATA" && -n "$(ls -A "$DATA")" ]]; then
    echo "using the converted set in DATA=$DATA as it is (pass a new DATA to convert ZIPS again)"
    convert=0
elif [[ -n "${DATA:-}" && -e "$DATA" && ! -d "$DATA" ]]; then
    fail "DATA=$DATA is a file, not a folder: pass a converted DRIVE folder or a new path"
else
    DATA=${DATA:-$DEMO_DIR/DRIVE_phantom}
    convert=1
fi
if ((convert)); then
    if [[ -n "${ZIPS:-}" ]]; then
        owner="put DRIVE's training.zip and test.zip there, or unset ZIPS for generated ones"
        owner+=" (ZIPS is only read)"
    else  # the demo's own zips, generated whole into a hidden folder, then moved in place
        ZIPS=$DEMO_DIR/fundus_zips
        owner="delete $ZIPS to generate both again"
        if [[ ! -e "$ZIPS" ]]; then
            mkdir -p "$DEMO_DIR"
            staging+=("$(mktemp -d "$DEMO_DIR/.fundus_zips.XXXXXX")")
            python3 demo/generate_fundus.py "${staging[-1]}/zips" --num-train "${NUM_TRAIN:-16}" \
                --num-test "${NUM_TEST:-8}" --height "$SIZE" --width "$SIZE" \
                --seed "${DATA_SEED:-0}"
            mv "${staging[-1]}/zips" "$ZIPS"
        fi
    fi
    for zip in training.zip test.zip; do
        [[ -f "$ZIPS/$zip" ]] || fail "ZIPS=$ZIPS holds no $zip: $owner"
    done
    # the converter refuses a folder it did not write, and swaps in whole sets
    python3 tools/dataset_converters/drive.py "$ZIPS/training.zip" "$ZIPS/test.zip" -o "$DATA"
fi
DATA_OPTIONS=(
    "train_dataloader.dataset.dataset.data_root=$DATA"
    "val_dataloader.dataset.data_root=$DATA"
    "test_dataloader.dataset.data_root=$DATA"
    "randomness.seed=$SEED"
)
# no validation inside training (val_begin past the end): the test step below evaluates
ITER_OPTIONS=("train_cfg.max_iters=$ITERS" "train_cfg.val_begin=$((ITERS + 1))"
              "param_scheduler.0.end=$ITERS" "default_hooks.checkpoint.interval=$ITERS")

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
        OMP_NUM_THREADS=1 python3 tools/train.py "$(config_of "$net" "$variant")" --overwrite \
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
