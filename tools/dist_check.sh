#!/usr/bin/env bash
# Sourced by dist_train.sh / dist_test.sh: refuse a bad process count, more processes than
# visible GPUs, or a busy PORT in one line (exit 2) before torchrun starts and fails with a
# traceback per rank. Without CUDA the ranks train on the CPU (gloo): any count is fine.
# Usage: dist_check COUNT USAGE
dist_check() {
    local count=$1 usage=$2
    if [[ ! "$count" =~ ^[1-9][0-9]*$ ]]; then
        echo "error: the card count (processes per node) must be a positive whole number, got '${count}': ${usage}" >&2
        exit 2
    fi
    local visible
    visible=$(python3 -c 'import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)' 2>/dev/null)
    if [[ "$visible" =~ ^[0-9]+$ ]] && (( visible > 0 && count > visible )); then
        local shown=""
        [[ -n "${CUDA_VISIBLE_DEVICES+set}" ]] && shown=" (CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES})"
        local gpus="GPUs"
        (( visible == 1 )) && gpus="GPU"
        echo "error: ${count} processes per node but ${visible} ${gpus} visible${shown}: start at most ${visible} (e.g. ${usage/ N / ${visible} }), make more GPUs visible with CUDA_VISIBLE_DEVICES, or spread the job over several nodes (NNODES, NODE_RANK, MASTER_ADDR)" >&2
        exit 2
    fi
    if [[ ! "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
        echo "error: PORT must be a port number (1-65535), got '${PORT}': e.g. PORT=29501 ${usage}" >&2
        exit 2
    fi
    # Only the master node opens PORT; a rank on another node connects to it.
    if [[ "$NODE_RANK" == 0 ]] && ! python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))
' "$PORT" 2>/dev/null; then
        echo "error: PORT ${PORT} is busy (another job listens on it): pick a free one, e.g. PORT=$((PORT % 65535 + 1)) ${usage}" >&2
        exit 2
    fi
}
