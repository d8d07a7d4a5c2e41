#!/usr/bin/env bash
# Re-run every toy-scale result of the README on the synthetic data set
# (about 25 minutes on 2 CPU cores) and print the table.
#   bash tools/reproduce_toy_results.sh [WORK_ROOT]   # default work_dirs/toy_results
# Each run uses --seed 0; a finished run (its .done marker) is not re-run.
# The tests load our own training checkpoints: --trust-checkpoint.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup_env.sh"
cd "$REPO_ROOT"
ROOT=${1:-work_dirs/toy_results}
TOY=configs/toy
"$PY" tools/data/make_synthetic.py --out data/synthetic

train() {  # NAME CONFIG [train args...]
    local name=$1 cfg=$2; shift 2
    if [ ! -f "$ROOT/$name/.done" ]; then
        "$PY" tools/train.py "$cfg" --work-dir "$ROOT/$name" --seed 0 "$@"
        touch "$ROOT/$name/.done"
    fi
}
test3crop() {  # NAME CONFIG -> prints top-1 of the last epoch, 3-crop test
    local name=$1 cfg=$2
    "$PY" tools/test.py "$cfg" "$(cat "$ROOT/$name/last_checkpoint")" \
        --work-dir "$ROOT/$name/test" --dump "$ROOT/$name/test/preds.pkl" \
        --trust-checkpoint \
        > "$ROOT/$name/test.log" 2>&1
    grep -o 'acc/top1: [0-9.]*' "$ROOT/$name/test.log" | tail -1
}

train three_stream $TOY/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
train iframe_only $TOY/imr_r18-tiny-iframe_1xb16-5gop-toy_synthetic-compressed.py
train pretrain $TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
"$PY" tools/convert_pretrained.py "$(cat "$ROOT/pretrain/last_checkpoint")" \
    "$ROOT/pretrain/backbone.pth" --trust-checkpoint
train subset_scratch $TOY/imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py
train subset_finetune $TOY/imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py \
    --cfg-options load_from="$ROOT/pretrain/backbone.pth"

echo "| run | val top-1 (3 crops, last epoch) |"
echo "| --- | --- |"
for run in three_stream:imr_r18-tiny_1xb16 iframe_only:imr_r18-tiny-iframe_1xb16 \
           subset_scratch:imr_r18-tiny-subset_1xb8 \
           subset_finetune:imr_r18-tiny-pmsp-ctp-ft_1xb8; do
    name=${run%%:*}
    cfg=$TOY/${run#*:}-5gop-toy_synthetic-compressed.py
    echo "| $name | $(test3crop "$name" "$cfg") |"
done
echo
echo "Pretext accuracy of the pretraining run on the held-out val clips:"
"$PY" tools/test.py $TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py \
    "$(cat "$ROOT/pretrain/last_checkpoint")" --work-dir "$ROOT/pretrain/test" \
    --trust-checkpoint \
    2>&1 | grep -o 'pmsp/acc_mean.*' | tail -1
