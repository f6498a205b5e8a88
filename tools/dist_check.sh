#!/usr/bin/env bash
# Sourced by dist_train.sh / dist_test.sh: refuse a bad process count or a busy PORT in one
# line (exit 2) before torchrun starts and fails with a traceback per rank.
# Usage: dist_check COUNT USAGE
dist_check() {
    local count=$1 usage=$2
    if [[ ! "$count" =~ ^[1-9][0-9]*$ ]]; then
        echo "error: the card count (processes per node) must be a positive whole number, got '${count}': ${usage}" >&2
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
