#!/usr/bin/env bash
# MVCGC at toy scale, end to end, several seeds: stage 1 (RGB and MV
# encoders, InfoNCE each), stage 2 (cross guidance, from the two stage-1
# encoders), then for the encoders after stage 1, after stage 2 and at
# random initialisation: the linear probe of both encoders at once (top-1
# of each stream and of the two-stream average) and video retrieval (R@k of
# each stream and of the two streams concatenated). Configs: configs/mvcgc/
# (the toy stage-1, stage-2 and linear-probe configs); docs/mvcgc.md.
#
# usage: bash tools/reproduce_toy_mvcgc.sh [--dry-run] [--seeds "0 1 2"]
#            [--stage1-epochs N] [--stage2-epochs N] [--linear-epochs N]
#            [WORK_ROOT]
#   WORK_ROOT    default work_dirs/toy_mvcgc; WORK_ROOT/<variant>/seed<N>
#   --dry-run    print the commands instead of running them
# Variants: random (linear probe and retrieval of untrained encoders),
# stage1, stage2. Output: WORK_ROOT/summary.json (mean, std and runs of
# every metric), WORK_ROOT/summary.png (bar chart), a Markdown table on
# stdout. A finished step (its output file) is not re-run.
set -euo pipefail

usage() { sed -n '10,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
DRY=0
SEEDS="0 1 2"
S1_EPOCHS=20
S2_EPOCHS=10
LIN_EPOCHS=20
ROOT=""
declare -A OPTIONS=([--seeds]=SEEDS [--stage1-epochs]=S1_EPOCHS
                    [--stage2-epochs]=S2_EPOCHS [--linear-epochs]=LIN_EPOCHS)
source "$(dirname "${BASH_SOURCE[0]}")/lib/steps.sh"
parse_args "$@"
check_epochs 1 "$S1_EPOCHS" "$S2_EPOCHS" "$LIN_EPOCHS"
ROOT=${ROOT:-work_dirs/toy_mvcgc}

LINEAR=configs/mvcgc/mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py
BB=model.backbone.backbones

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ $DRY = 1 ]; then
    PY=${PY:-python}
else
    source tools/setup_env.sh
fi

evaluate() {  # VARIANT_DIR RGB_INIT MV_INIT: linear probe + retrieval
    local dir=$1 rgb=$2 mv=$3
    local init=("$BB.rgb.init_cfg.checkpoint=$rgb" "$BB.mv.init_cfg.checkpoint=$mv")
    [ "$rgb" != none ] || init=("$BB.rgb.init_cfg=None" "$BB.mv.init_cfg=None")
    train_step "$dir/linear" "$LINEAR" "$s" "${init[@]}" \
        "train_cfg.max_epochs=$LIN_EPOCHS" "param_scheduler.0.T_max=$LIN_EPOCHS" \
        "param_scheduler.0.end=$LIN_EPOCHS"
    test_step "$dir/linear" "$LINEAR" linear
    test_step "$dir/linear" "$LINEAR" linear_rgb model.cls_head.weights.mv=0
    test_step "$dir/linear" "$LINEAR" linear_mv model.cls_head.weights.rgb=0
    # the frozen encoders are those of the linear run's checkpoint
    retrieval_step "$LINEAR" "$(ckpt_of "$dir/linear")" "$dir/retrieval.json"
}

todo data/synthetic/classes.txt && run "$PY" tools/data/make_synthetic.py --out data/synthetic
for s in $SEEDS; do
    evaluate "$ROOT/random/seed$s" none none
    one=$ROOT/stage1/seed$s
    two=$ROOT/stage2/seed$s
    mvcgc_pretrain "$one" "$two/train" "$s" "$S1_EPOCHS" "$S2_EPOCHS"
    evaluate "$one" "$(ckpt_of "$one/rgb")" "$(ckpt_of "$one/mv")"
    evaluate "$two" "$(ckpt_of "$two/train")" "$(ckpt_of "$two/train")"
done
run "$PY" tools/analysis/summarize_seeds.py "$ROOT" --variants random stage1 stage2 \
    --metrics linear_rgb/acc/top1 linear_mv/acc/top1 linear/acc/top1 \
    metrics/retrieval/rgb/R@1 metrics/retrieval/mv/R@1 \
    metrics/retrieval/two_stream/R@1 metrics/retrieval/two_stream/R@5 \
    --out "$ROOT/summary.json" --plot "$ROOT/summary.png" \
    --title "toy MVCGC: $(echo $SEEDS | wc -w) seeds, stage 1 $S1_EPOCHS / stage 2 $S2_EPOCHS / linear $LIN_EPOCHS epochs"
