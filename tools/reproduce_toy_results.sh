#!/usr/bin/env bash
# Re-run every toy-scale result of the README on the synthetic data set
# and print the tables: more than an hour on 2 CPU cores (each of the three
# supervised three-stream runs took about 13 minutes here, 1.3 s an iteration).
#   bash tools/reproduce_toy_results.sh [WORK_ROOT]   # default work_dirs/toy_results
# Each run uses --seed 0; the supervised three-stream model is also trained
# with seeds 1 and 2 (mean and spread printed), to show how much one toy run
# moves with the seed. A finished run (its .done marker) is not re-run.
# The tests load our own training checkpoints: --trust-checkpoint.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup_env.sh"
cd "$REPO_ROOT"
ROOT=${1:-work_dirs/toy_results}
TOY=configs/toy
"$PY" tools/data/make_synthetic.py --out data/synthetic
# decoded clips kept for every later epoch and run (tools/lib/steps.sh)
export IMR_DECODE_CACHE=${IMR_DECODE_CACHE-$PWD/work_dirs/decode_cache}

train() {  # NAME CONFIG [train args...] (--seed 0 unless SEED is set)
    local name=$1 cfg=$2; shift 2
    if [ ! -f "$ROOT/$name/.done" ]; then
        "$PY" tools/train.py "$cfg" --work-dir "$ROOT/$name" --seed "${SEED:-0}" "$@"
        touch "$ROOT/$name/.done"
    fi
}
test3crop() {  # NAME CONFIG -> prints top-1 of the last epoch, 3-crop test
    local name=$1 cfg=$2           # and draws NAME/test/confusion.png
    "$PY" tools/test.py "$cfg" "$(cat "$ROOT/$name/last_checkpoint")" \
        --work-dir "$ROOT/$name/test" --dump "$ROOT/$name/test/preds.pkl" \
        --trust-checkpoint \
        > "$ROOT/$name/test.log" 2>&1
    "$PY" tools/analysis/confusion_matrix.py "$cfg" "$ROOT/$name/test/preds.pkl" \
        --label-file data/synthetic/classes.txt --include-values \
        --show-path "$ROOT/$name/test/confusion.png" >> "$ROOT/$name/test.log" 2>&1
    grep -o 'acc/top1: [0-9.]*' "$ROOT/$name/test.log" | tail -1
}

train three_stream $TOY/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
for seed in 1 2; do
    SEED=$seed train three_stream_seed$seed $TOY/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
done
train iframe_only $TOY/imr_r18-tiny-iframe_1xb16-5gop-toy_synthetic-compressed.py
train pretrain $TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
train ctp_only $TOY/imr-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
# The same CTP-only run with the paper's pooled embedding in the CTP head.
train ctp_only_pool_before $TOY/imr-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py \
    --cfg-options model.ctp_head.pool=before
for run in pretrain ctp_only; do
    "$PY" tools/convert_pretrained.py "$(cat "$ROOT/$run/last_checkpoint")" \
        "$ROOT/$run/backbone.pth" --trust-checkpoint
done
train subset_scratch $TOY/imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py
train subset_finetune $TOY/imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py \
    --cfg-options load_from="$ROOT/pretrain/backbone.pth"
train subset_finetune_ctp $TOY/imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py \
    --cfg-options load_from="$ROOT/ctp_only/backbone.pth"

echo "| run | val top-1 (3 crops, last epoch) |"
echo "| --- | --- |"
for run in three_stream:imr_r18-tiny_1xb16 iframe_only:imr_r18-tiny-iframe_1xb16 \
           subset_scratch:imr_r18-tiny-subset_1xb8 \
           subset_finetune:imr_r18-tiny-pmsp-ctp-ft_1xb8 \
           subset_finetune_ctp:imr_r18-tiny-pmsp-ctp-ft_1xb8; do
    name=${run%%:*}
    cfg=$TOY/${run#*:}-5gop-toy_synthetic-compressed.py
    echo "| $name | $(test3crop "$name" "$cfg") |"
done
echo
tops=()
for name in three_stream three_stream_seed1 three_stream_seed2; do
    tops+=("$(test3crop "$name" $TOY/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py \
        | grep -o '[0-9.]*$')")
done
"$PY" - "${tops[@]}" <<'PYEOF'
import statistics, sys
v = [100 * float(x) for x in sys.argv[1:]]
print('three_stream, seeds 0 1 2: ' + ' / '.join(f'{x:.1f}' for x in v)
      + f' %; mean {statistics.mean(v):.1f} %, std {statistics.stdev(v):.1f}')
PYEOF
echo
echo "Pretext accuracy on the held-out val clips (last checkpoint):"
pretext() {  # NAME CONFIG [test args...]
    local name=$1 cfg=$2; shift 2
    echo "$name: $("$PY" tools/test.py "$cfg" "$(cat "$ROOT/$name/last_checkpoint")" \
        --work-dir "$ROOT/$name/test" --trust-checkpoint "$@" 2>&1 \
        | grep -o '\(pmsp/acc_mean\|ctp/acc\).*' | tail -1)"
}
pretext pretrain $TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
pretext ctp_only $TOY/imr-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
pretext ctp_only_pool_before $TOY/imr-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py \
    --cfg-options model.ctp_head.pool=before
