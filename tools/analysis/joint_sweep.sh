#!/usr/bin/env bash
# Joint PMSP+CTP on the toy set: the model options of the joint objective,
# several seeds each. Per variant and seed: pretrain
# (configs/toy/imr-pmsp-ctp_*), test the last checkpoint for pretext accuracy
# (the config's test set: every val clip 8 times; pretext/pmsp/acc_mean,
# pretext/ctp/acc),
# measure the stream sensitivity of its backbone; then one summary JSON and a
# table of mean and spread over the seeds (tools/analysis/summarize_seeds.py)
# and its bar chart (summary.png).
# On 2 CPU cores with the decode cache filled: 9 minutes for one run, 81 for
# 12 runs with --jobs 2 (one thread each, two at a time).
#
# usage: bash tools/analysis/joint_sweep.sh [--dry-run] [--seeds "0 1 2"]
#            [--variants "sum mean lambda27 clip mean_clip"] [--jobs 1]
#            [WORK_ROOT]
#   WORK_ROOT    default work_dirs/joint_sweep; one folder per variant/seed
#   --dry-run    print the commands instead of running them
#   --jobs N     N runs at once, $(nproc)/N torch threads each, logs added to
#                WORK_ROOT/<variant>/seed<N>.log (tools/lib/steps.sh)
# Variants (model options, as --cfg-options of train and test; each names
# its PMSP reduction, so it does not depend on the config's default):
#   sum         model.pmsp_loss_reduction=sum    (the paper's L_PMSP)
#   mean        model.pmsp_loss_reduction=mean   (PMSP loss / 27)
#   lambda27    sum, model.ctp_loss_weight=27    (logged loss_ctp is x 27)
#   clip        sum, model.pmsp_label_source=clip (labels of the untransformed clip)
#   mean_clip   mean and clip together
#   mean_late   mean, model.backbone.fusion=None (no lateral connections: the
#               I pathway sees only the I-frames; a diagnostic, its backbone
#               does not fit the fused fine-tuning configs)
#   default     the config as it is
# A finished step (its output file) is not re-run.
set -euo pipefail

usage() { sed -n '13,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
DRY=0
SEEDS="0 1 2"
VARIANTS="sum mean lambda27 clip mean_clip"
ROOT=""
declare -A OPTIONS=([--seeds]=SEEDS [--variants]=VARIANTS [--jobs]=JOBS)
source "$(dirname "${BASH_SOURCE[0]}")/../lib/steps.sh"
parse_args "$@"
start_jobs
ROOT=${ROOT:-work_dirs/joint_sweep}

options() {  # VARIANT -> its --cfg-options values
    local sum=model.pmsp_loss_reduction=sum mean=model.pmsp_loss_reduction=mean
    case $1 in
        default) ;;
        sum) echo "$sum" ;;
        mean) echo "$mean" ;;
        lambda27) echo "$sum model.ctp_loss_weight=27" ;;
        clip) echo "$sum model.pmsp_label_source=clip" ;;
        mean_clip) echo "$mean model.pmsp_label_source=clip" ;;
        mean_late) echo "$mean model.backbone.fusion=None" ;;
        *) return 1 ;;
    esac
}
for v in $VARIANTS; do
    options "$v" > /dev/null || { echo "unknown variant: $v" >&2; exit 2; }
done

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ $DRY = 1 ]; then
    PY=${PY:-python}
else
    source tools/setup_env.sh
fi
use_decode_cache
CFG=configs/toy/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py

# The sweep's own checkpoints: --trust-checkpoint lets test.py and the
# sensitivity tool read these training checkpoints (full pickles). The
# pretext metrics are kept as {"pretext": {...}} (pretext/ctp/acc, ...).
todo data/synthetic/classes.txt && run "$PY" tools/data/make_synthetic.py --out data/synthetic
cell() {  # VARIANT SEED: pretrain, test, stream sensitivity
    local v=$1 s=$2 dir=$ROOT/$1/seed$2 ckpt opts
    read -r -a opts <<< "$(options "$v")"
    train_step "$dir/train" $CFG "$s" "${opts[@]}"
    # pretext accuracy of the last checkpoint -> $dir/pretext.json
    test_step "$dir/train" $CFG pretext "${opts[@]}"
    ckpt=$(ckpt_of "$dir/train")
    local sens=("$PY" tools/analysis/stream_sensitivity.py $CFG "$ckpt" --trust-checkpoint
                --json ${opts[0]+--cfg-options "${opts[@]}"})
    if [ "$DRY" = 1 ]; then
        echo "${sens[*]} > $dir/sensitivity.json"
    elif todo "$dir/sensitivity.json"; then
        "${sens[@]}" > "$dir/sensitivity.json.tmp"
        mv "$dir/sensitivity.json.tmp" "$dir/sensitivity.json"
    fi
}
for v in $VARIANTS; do
    for s in $SEEDS; do
        spawn "$ROOT/$v/seed$s.log" cell "$v" "$s"
    done
done
finish_jobs
run "$PY" tools/analysis/summarize_seeds.py "$ROOT" --variants $VARIANTS \
    --plot "$ROOT/summary.png" --title "joint PMSP+CTP: mean and spread over seeds $SEEDS" \
    --out "$ROOT/summary.json"
