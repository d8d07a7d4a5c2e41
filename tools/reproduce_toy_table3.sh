#!/usr/bin/env bash
# The paper's Table 3 at toy scale: every pretext on the same IMR network,
# then the same three evaluations for each, several seeds.
# Per method and seed: pretrain on the synthetic set (its unlabelled and
# labelled videos), test the pretext on the val clips, convert the backbone,
# then fine-tune on the small labelled subset (3-crop top-1), train a linear
# probe on the frozen backbone (top-1), and run video retrieval (R@1, R@5).
# InfoNCE has no pretext test (its training log has acc_infonce).
# "scratch" fine-tunes from random weights (no pretraining, no probe).
# "mvcgc" is the other method (configs/mvcgc/, R(2+1)D-18 encoders of RGB
# and MV on dense clips of the same videos): stage 1 and stage 2 stand for
# its pretraining (no pretext test), then the same three evaluations of
# both encoders (two streams: probabilities averaged, features concatenated).
# The epochs are shortened from the toy configs' (see the defaults below),
# and the schedules with them (warm-up epoch, then cosine to 0): the whole
# table took 77 minutes on 2 CPU cores with --jobs 2 (docs/evaluation.md).
# Finished steps are kept: a few methods or seeds at a time (--methods,
# --seeds) add up to the same table.
#
# usage: bash tools/reproduce_toy_table3.sh [--dry-run] [--seeds "0 1 2"]
#            [--methods "scratch rotation ..."] [--pretrain-epochs N]
#            [--finetune-epochs N] [--linear-epochs N]
#            [--stage1-epochs N] [--stage2-epochs N] [--jobs 1] [WORK_ROOT]
#   WORK_ROOT    default work_dirs/toy_table3; one folder per method/seed
#   --dry-run    print the commands instead of running them
#   --jobs N     N method/seed runs at once, $(nproc)/N torch threads each,
#                logs added to WORK_ROOT/<method>/seed<N>.log (tools/lib/steps.sh)
#   --stage1-epochs, --stage2-epochs   MVCGC's pretraining (default 10, 5)
# Methods: scratch rotation aot infonce pmsp ctp ctp_binary pmsp_ctp mvcgc
# Output: WORK_ROOT/summary.json (mean, std and runs of every metric),
# WORK_ROOT/summary.png (bar chart), and a Markdown table on stdout.
# A finished step (its output file) is not re-run.
set -euo pipefail

usage() { sed -n '20,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
DRY=0
SEEDS="0 1 2"
METHODS="scratch rotation aot infonce pmsp ctp ctp_binary pmsp_ctp mvcgc"
PRE_EPOCHS=10
FT_EPOCHS=20
LIN_EPOCHS=10
S1_EPOCHS=10
S2_EPOCHS=5
ROOT=""
declare -A OPTIONS=([--seeds]=SEEDS [--methods]=METHODS
                    [--pretrain-epochs]=PRE_EPOCHS [--finetune-epochs]=FT_EPOCHS
                    [--linear-epochs]=LIN_EPOCHS [--stage1-epochs]=S1_EPOCHS
                    [--stage2-epochs]=S2_EPOCHS [--jobs]=JOBS)
source "$(dirname "${BASH_SOURCE[0]}")/lib/steps.sh"
parse_args "$@"
start_jobs
check_epochs 2 "$PRE_EPOCHS" "$FT_EPOCHS" "$LIN_EPOCHS"
check_epochs 1 "$S1_EPOCHS" "$S2_EPOCHS"
ROOT=${ROOT:-work_dirs/toy_table3}

TOY=configs/toy
pretrain_config() {  # METHOD -> "CONFIG [cfg-options...]" ("" for scratch)
    case $1 in
        scratch) echo "" ;;
        rotation) echo "$TOY/imr-rotation_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py" ;;
        aot) echo "$TOY/imr-aot_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py" ;;
        infonce) echo "$TOY/imr-infonce_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py" ;;
        pmsp) echo "$TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py model.ctp_head=None" ;;
        ctp) echo "$TOY/imr-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py" ;;
        ctp_binary) echo "$TOY/imr-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py" \
            "model.ctp_types=(aligned,random) model.ctp_head.num_classes=2" ;;
        pmsp_ctp) echo "$TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py" ;;
        mvcgc) echo "" ;;  # its own steps (mvcgc_pretrain, below)
        *) return 1 ;;
    esac
}
for m in $METHODS; do
    pretrain_config "$m" > /dev/null || { echo "unknown method: $m" >&2; exit 2; }
done
FT_SCRATCH=$TOY/imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py
FT=$TOY/imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py
LINEAR=configs/linear/imr_r18-tiny-linear_1xb16-5gop-toy_synthetic-compressed.py
# MVCGC's evaluations: the same subset, budget and schedules, both encoders
MV_FT=configs/mvcgc/mvcgc-ft_r2plus1d-r18-tiny_1xb8-16x1x1-40e_toy_synthetic-subset-rgb-mv.py
MV_LINEAR=configs/mvcgc/mvcgc-linear_r2plus1d-r18-tiny_1xb16-16x1x1-20e_toy_synthetic-rgb-mv.py
mvcgc_init() {  # CHECKPOINT -> the cfg-options loading both encoders from it
    local m
    for m in rgb mv; do echo "model.backbone.backbones.$m.init_cfg.checkpoint=$1"; done
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ $DRY = 1 ]; then
    PY=${PY:-python}
else
    source tools/setup_env.sh
fi
todo data/synthetic/classes.txt && run "$PY" tools/data/make_synthetic.py --out data/synthetic
use_decode_cache
one_run() {  # METHOD SEED: pretrain, evaluate
    local m=$1 s=$2 dir=$ROOT/$1/seed$2 backbone="" pre init
    read -r -a pre <<< "$(pretrain_config "$m")"
    if [ "$m" = mvcgc ]; then
        mvcgc_pretrain "$dir/stage1" "$dir/pretrain" "$s" "$S1_EPOCHS" "$S2_EPOCHS"
        mapfile -t init < <(mvcgc_init "$(ckpt_of "$dir/pretrain")")
        # shellcheck disable=SC2046
        train_step "$dir/finetune" "$MV_FT" "$s" "${init[@]}" $(warm_cosine "$FT_EPOCHS")
        test_step "$dir/finetune" "$MV_FT" finetune
        # shellcheck disable=SC2046
        train_step "$dir/linear" "$MV_LINEAR" "$s" "${init[@]}" $(cosine "$LIN_EPOCHS")
        test_step "$dir/linear" "$MV_LINEAR" linear
        # the frozen encoders are those of the linear run's checkpoint
        retrieval_step "$MV_LINEAR" "$(ckpt_of "$dir/linear")" "$dir/retrieval.json"
        return 0
    elif [ ${#pre[@]} -gt 0 ]; then
        # shellcheck disable=SC2046  # one word per option
        train_step "$dir/pretrain" "${pre[0]}" "$s" "${pre[@]:1}" \
            $(warm_cosine "$PRE_EPOCHS")
        # InfoNCE has no pretext test (no test loop: its accuracy is
        # against its own queue, logged in training as acc_infonce)
        [ "$m" = infonce ] || test_step "$dir/pretrain" "${pre[0]}" pretext "${pre[@]:1}"
        backbone=$dir/backbone.pth
        todo "$backbone" && run "$PY" tools/convert_pretrained.py \
            "$(ckpt_of "$dir/pretrain")" "$backbone" --trust-checkpoint
        # shellcheck disable=SC2046
        train_step "$dir/finetune" "$FT" "$s" "load_from=$backbone" \
            $(warm_cosine "$FT_EPOCHS")
    else
        # shellcheck disable=SC2046
        train_step "$dir/finetune" "$FT_SCRATCH" "$s" $(warm_cosine "$FT_EPOCHS")
    fi
    test_step "$dir/finetune" "$FT" finetune
    [ -n "$backbone" ] || return 0
    # shellcheck disable=SC2046
    train_step "$dir/linear" "$LINEAR" "$s" \
        "model.backbone.init_cfg.checkpoint=$backbone" \
        $(cosine "$LIN_EPOCHS")
    test_step "$dir/linear" "$LINEAR" linear
    retrieval_step "$LINEAR" "$backbone" "$dir/retrieval.json"
}
for m in $METHODS; do
    for s in $SEEDS; do
        spawn "$ROOT/$m/seed$s.log" one_run "$m" "$s"
    done
done
finish_jobs
# shellcheck disable=SC2086  # one word per method
run "$PY" tools/analysis/summarize_seeds.py "$ROOT" --variants $METHODS \
    --metrics finetune/acc/top1 linear/acc/top1 metrics/retrieval/R@1 \
    metrics/retrieval/R@5 pretext/rotation/acc pretext/aot/acc \
    pretext/pmsp/acc_mean pretext/ctp/acc --out "$ROOT/summary.json" --plot "$ROOT/summary.png" \
    --title "toy Table 3: $(echo $SEEDS | wc -w) seeds, pretrain $PRE_EPOCHS / fine-tune $FT_EPOCHS / linear $LIN_EPOCHS epochs"
