#!/usr/bin/env bash
# Mini Cityscapes end to end on CPU: generate (if absent) -> convert -> train -> test -> mIoU.
# Usage: bash demo/mini_cityscapes_demo.sh [WORK_DIR]
#   CONFIG (default: the AttentionUNet-S4-D8 mini config),
#   DATA: your own Cityscapes-layout folder (leftImg8bit/, gtFine/ with *_labelTrainIds.png, as
#   tools/dataset_converters/cityscapes.py writes them); only read, never written. Default: the
#   demo's own DEMO_DIR/mini_cityscapes (DEMO_DIR default data), generated and converted whole
#   when absent; only this folder does the demo write.
#   ITERS (default 600: about 7 min of training on 2 idle cores; ITERS= runs the full 1k),
#   NPROC (converter processes, default 2), SEED (randomness.seed; default: a random seed).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
fail() {  # the one error line of bad input, exit 2
    echo "error: $*" >&2
    exit 2
}

CONFIG=${CONFIG:-configs/attn_unet/attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py}
DEMO_DIR=${DEMO_DIR:-data}
staging=()  # the demo's own half-written folders, removed on exit
trap 'rm -rf ${staging[@]+"${staging[@]}"}' EXIT
if [[ -n "${DATA:-}" ]]; then
    [[ -d "$DATA/leftImg8bit" && -d "$DATA/gtFine" ]] || fail "DATA=$DATA holds no" \
        "leftImg8bit/ and gtFine/ folders: point DATA at a Cityscapes-layout folder (converted" \
        "with tools/dataset_converters/cityscapes.py), or unset DATA for the demo's generated set;" \
        "DATA is never written"
else
    DATA=$DEMO_DIR/mini_cityscapes
fi
WORK_DIR=${1:-work_dirs/mini_cityscapes_demo}
NPROC=${NPROC:-2}
DATA_OPTIONS=(
    "train_dataloader.dataset.data_root=$DATA"
    "val_dataloader.dataset.data_root=$DATA"
    "test_dataloader.dataset.data_root=$DATA"
)
if [[ -n "${SEED:-}" ]]; then
    DATA_OPTIONS+=("randomness.seed=$SEED")
fi
ITER_OPTIONS=()
ITERS=${ITERS-600}
if [[ -n "$ITERS" ]]; then
    ITER_OPTIONS=("train_cfg.max_iters=$ITERS" "train_cfg.val_interval=$ITERS"
                  "param_scheduler.0.end=$ITERS" "default_hooks.checkpoint.interval=$ITERS")
fi
start=$SECONDS

if [[ ! -e "$DATA" ]]; then  # the demo's own set, generated and converted whole, then moved in
    mkdir -p "$DEMO_DIR"
    staging+=("$(mktemp -d "$DEMO_DIR/.mini_cityscapes.XXXXXX")")
    python3 demo/generate_mini_cityscapes.py "${staging[-1]}/mini_cityscapes"
    python3 tools/dataset_converters/cityscapes.py "${staging[-1]}/mini_cityscapes" --nproc "$NPROC"
    mv "${staging[-1]}/mini_cityscapes" "$DATA"
fi

python3 tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --overwrite \
    --cfg-options "${DATA_OPTIONS[@]}" "${ITER_OPTIONS[@]}"
train_done=$SECONDS

CHECKPOINT=$(cat "$WORK_DIR/last_checkpoint")
python3 tools/test.py "$CONFIG" "$CHECKPOINT" --work-dir "$WORK_DIR" \
    --out-metrics "$WORK_DIR/metrics.json" --cfg-options "${DATA_OPTIONS[@]}"

python3 - "$WORK_DIR/metrics.json" <<'PY'
import json
import sys

metrics = json.load(open(sys.argv[1]))['metrics']
print(f"mini Cityscapes val: mIoU {metrics['mIoU']:.2f}  aAcc {metrics['aAcc']:.2f}  "
      f"mAcc {metrics['mAcc']:.2f}  (metrics: {sys.argv[1]})")
PY
echo "time: train $((train_done - start)) s (incl. data), total $((SECONDS - start)) s"
