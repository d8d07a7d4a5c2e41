#!/usr/bin/env bash
# From a fresh clone to a trained model, on the embedded synthetic data set.
#   bash tools/quickstart.sh            # supervised three-stream toy model
#   bash tools/quickstart.sh --selfsup  # + PMSP/CTP pretraining, fine-tuning
# Steps (each skipped when its output is already there, so a second run
# starts in seconds):
#   1. .venv with the package and its pinned stack;
#   2. data/synthetic: 8 classes that differ only in motion, in the paper's
#      format (MPEG-4 Part 2, GOP 12, no B-frames);
#   3. train the toy IMR model (tools/train.py), then test it with 3 crops
#      (tools/test.py); the top-1 accuracy is printed at the end.
set -euo pipefail

SELFSUP=0
for arg in "$@"; do
    case "$arg" in
        --selfsup) SELFSUP=1 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
    esac
done

source "$(dirname "${BASH_SOURCE[0]}")/setup_env.sh"
cd "$REPO_ROOT"

DATA=data/synthetic
echo "[quickstart] synthetic data set in $DATA"
"$PY" tools/data/make_synthetic.py --out "$DATA"

TOY=configs/toy
SUP_CFG=$TOY/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
run_and_test() {  # CONFIG WORK_DIR [train args...]
    local cfg=$1 wd=$2; shift 2
    if [ -f "$wd/last_checkpoint" ] && [ -f "$wd/.done" ]; then
        echo "[quickstart] $wd is already trained"
    else
        "$PY" tools/train.py "$cfg" --work-dir "$wd" --seed 0 "$@"
        touch "$wd/.done"
    fi
    # Our own checkpoint, tested from a sub-folder: trust it explicitly.
    "$PY" tools/test.py "$cfg" "$(cat "$wd/last_checkpoint")" \
        --work-dir "$wd/test" --trust-checkpoint
}

echo "[quickstart] training $SUP_CFG"
run_and_test "$SUP_CFG" work_dirs/quickstart_imr

if [ "$SELFSUP" = 1 ]; then
    PRE_CFG=$TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
    FT_CFG=$TOY/imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py
    echo "[quickstart] self-supervised pretraining $PRE_CFG"
    if [ ! -f work_dirs/quickstart_pretrain/.done ]; then
        "$PY" tools/train.py "$PRE_CFG" --work-dir work_dirs/quickstart_pretrain --seed 0
        touch work_dirs/quickstart_pretrain/.done
    fi
    "$PY" tools/convert_pretrained.py \
        "$(cat work_dirs/quickstart_pretrain/last_checkpoint)" \
        work_dirs/quickstart_pretrain/backbone.pth --trust-checkpoint
    run_and_test "$FT_CFG" work_dirs/quickstart_finetune \
        --cfg-options load_from=work_dirs/quickstart_pretrain/backbone.pth
fi
echo "[quickstart] done: logs and checkpoints under work_dirs/"
