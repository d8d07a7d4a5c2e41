#!/usr/bin/env bash
# Distributed training on one or more nodes through torchrun (mmengine's
# `pytorch` launcher). Works on CPU machines too (gloo backend).
#   bash tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=host0 PORT=29500 bash tools/dist_train.sh CONFIG 8
# One node without PORT: a free port is picked (torchrun --standalone). The
# process group ends before exit (barrier + destroy), see docs/reliability.md.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: bash tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]" >&2
    exit 2
fi
CONFIG=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
PYTHON=${PYTHON:-python}
DIR="$(cd "$(dirname "$0")" && pwd)"

if [ "$NNODES" = 1 ] && [ -z "${PORT:-}" ]; then
    # One node: torchrun picks a free port, so that two jobs on the same
    # machine never collide on 29500.
    RDZV=(--standalone)
else
    RDZV=(--nnodes="$NNODES" --node_rank="$NODE_RANK"
          --master_addr="$MASTER_ADDR" --master_port="${PORT:-29500}")
fi

PYTHONPATH="$DIR/..${PYTHONPATH:+:$PYTHONPATH}" \
exec "$PYTHON" -m torch.distributed.run "${RDZV[@]}" \
    --nproc_per_node="$NPROC" \
    "$DIR/train.py" "$CONFIG" --launcher pytorch "${@:3}"
