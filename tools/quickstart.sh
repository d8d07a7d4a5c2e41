#!/usr/bin/env bash
# The main job of mmaction-imr on the embedded synthetic data set, from a
# fresh clone: self-supervised PMSP+CTP pretraining on compressed video ->
# the backbone -> fine-tuning on a small labelled subset (3-crop test),
# beside the same network trained from scratch -> linear probe -> video
# retrieval -> pictures -> one table and WORK_ROOT/summary.json.
#
# usage: bash tools/quickstart.sh [--pretrain-epochs N] [--finetune-epochs N]
#            [--linear-epochs N] [--dry-run] [--supervised] [WORK_ROOT]
#   WORK_ROOT           default work_dirs/quickstart
#   --pretrain-epochs   PMSP+CTP epochs (default 15; the toy config's 30
#                       learn CTP better, in twice the time)
#   --finetune-epochs   fine-tuning, scratch and --supervised (default 40)
#   --linear-epochs     linear probe (default 20, the config's)
#   --supervised        instead: the supervised three-stream toy model on
#                       all labelled clips, trained and tested
#   --dry-run           print the commands instead of running them
# Steps, each skipped when its output is there (a second run re-prints the
# summary in seconds): .venv with the pinned stack; data/synthetic (8
# classes that differ only in motion, MPEG-4 Part 2, GOP 12); pretraining
# (pretext accuracy on the val clips); tools/convert_pretrained.py;
# fine-tuning and scratch (48 labelled clips, 40 epochs each); linear probe
# (192 labelled clips, frozen backbone); tools/retrieval.py (R@1/5/10);
# pictures: the motion vectors and residuals of one clip, PMSP labels vs
# prediction on two clips, retrieval neighbours, training curves, the
# fine-tuned model's confusion matrix.
set -euo pipefail

usage() { sed -n '8,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
DRY=0
SEEDS=0
PRE_EPOCHS=15
FT_EPOCHS=40
LIN_EPOCHS=20
ROOT=""
SUPERVISED=0
for arg in "$@"; do  # the flag without a value; parse_args does the rest
    [ "$arg" != --supervised ] || SUPERVISED=1
done
args=()
for arg in "$@"; do [ "$arg" = --supervised ] || args+=("$arg"); done
declare -A OPTIONS=([--pretrain-epochs]=PRE_EPOCHS [--finetune-epochs]=FT_EPOCHS
                    [--linear-epochs]=LIN_EPOCHS)
source "$(dirname "${BASH_SOURCE[0]}")/lib/steps.sh"
parse_args ${args[@]+"${args[@]}"}
check_epochs 2 "$PRE_EPOCHS" "$FT_EPOCHS" "$LIN_EPOCHS"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ $DRY = 1 ]; then
    PY=${PY:-python}
else
    source tools/setup_env.sh
fi
say() { echo "[quickstart] $*"; }
DATA=data/synthetic
say "synthetic data set in $DATA"
todo $DATA/classes.txt && run "$PY" tools/data/make_synthetic.py --out $DATA

TOY=configs/toy
if [ $SUPERVISED = 1 ]; then
    ROOT=${ROOT:-work_dirs/quickstart_supervised}
    SUP=$TOY/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
    say "training $SUP (about 13 minutes)"
    # shellcheck disable=SC2046
    train_step "$ROOT/train" "$SUP" 0 $(warm_cosine "$FT_EPOCHS")
    test_step "$ROOT/train" "$SUP" supervised
    run "$PY" tools/analysis/summarize_run.py "$ROOT" --sections supervised \
        --out "$ROOT/summary.json" --path "train=$ROOT/train"
    say "checkpoints and logs: $ROOT/train"
    exit 0
fi
ROOT=${ROOT:-work_dirs/quickstart}
PRE=$TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
FT=$TOY/imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py
SCRATCH=$TOY/imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py
LINEAR=configs/linear/imr_r18-tiny-linear_1xb16-5gop-toy_synthetic-compressed.py
PICS=$ROOT/pictures
BACKBONE=$ROOT/backbone.pth

say "1/6 PMSP+CTP pretraining, $PRE_EPOCHS epochs, no labels ($PRE)"
# shellcheck disable=SC2046  # one word per option
train_step "$ROOT/pretrain" "$PRE" 0 $(warm_cosine "$PRE_EPOCHS")
test_step "$ROOT/pretrain" "$PRE" pretext
todo "$BACKBONE" && run "$PY" tools/convert_pretrained.py \
    "$(ckpt_of "$ROOT/pretrain")" "$BACKBONE" --trust-checkpoint
say "2/6 fine-tuning the backbone on 48 labelled clips, $FT_EPOCHS epochs ($FT)"
# shellcheck disable=SC2046
train_step "$ROOT/finetune" "$FT" 0 "load_from=$BACKBONE" $(warm_cosine "$FT_EPOCHS")
test_step "$ROOT/finetune" "$FT" finetune
say "3/6 the same from random weights ($SCRATCH)"
# shellcheck disable=SC2046
train_step "$ROOT/scratch" "$SCRATCH" 0 $(warm_cosine "$FT_EPOCHS")
test_step "$ROOT/scratch" "$FT" scratch
say "4/6 linear probe on the frozen backbone, $LIN_EPOCHS epochs ($LINEAR)"
# (the linear config loads the backbone alone, through its init_cfg)
# shellcheck disable=SC2046
train_step "$ROOT/linear" "$LINEAR" 0 "model.backbone.init_cfg.checkpoint=$BACKBONE" \
    $(cosine "$LIN_EPOCHS")
test_step "$ROOT/linear" "$LINEAR" linear
say "5/6 video retrieval: val clips query the train clips"
if [ $DRY = 1 ]; then
    echo "$PY tools/retrieval.py $LINEAR $BACKBONE --json --num-show 2" \
        "--label-file $DATA/classes.txt --show-dir $PICS/retrieval > $ROOT/retrieval.json"
elif todo "$ROOT/retrieval.json"; then
    "$PY" tools/retrieval.py "$LINEAR" "$BACKBONE" --json --num-show 2 \
        --label-file $DATA/classes.txt --show-dir "$PICS/retrieval" \
        > "$ROOT/retrieval.json.tmp"
    mv "$ROOT/retrieval.json.tmp" "$ROOT/retrieval.json"
fi
say "6/6 pictures in $PICS"
# two val clips of different classes (val.txt lists 8 per class, in order)
VIDEOS=()
for line in 1 33; do
    if [ -f $DATA/val.txt ]; then
        VIDEOS+=("$DATA/videos/$(sed -n "${line}p" $DATA/val.txt | cut -d' ' -f1)")
    else  # --dry-run before the data set exists
        VIDEOS+=("$DATA/videos/<class of line $line>/<line $line of val.txt>")
    fi
done
todo "$PICS/compressed/clip.npz" && run "$PY" tools/analysis/dump_compressed.py \
    "${VIDEOS[0]}" --gops 1 --out "$PICS/compressed/clip.npz" --show-dir "$PICS/compressed"
for v in "${VIDEOS[@]}"; do  # one folder per class: the stems are alike
    out=$PICS/pmsp/$(basename "$(dirname "$v")")
    todo "$out/.done" || continue
    run "$PY" tools/visualize_pmsp.py "$v" "$PRE" "$(ckpt_of "$ROOT/pretrain")" \
        --out-dir "$out" --trust-checkpoint
    run touch "$out/.done"
done
todo "$PICS/curves_pretrain.png" && run "$PY" tools/analysis/plot_curves.py \
    "$ROOT/pretrain" --out "$PICS/curves_pretrain.png"
todo "$PICS/curves_finetune.png" && run "$PY" tools/analysis/plot_curves.py \
    "$ROOT/finetune" "$ROOT/scratch" --out "$PICS/curves_finetune.png"
todo "$PICS/confusion.png" && run "$PY" tools/analysis/confusion_matrix.py "$FT" \
    "$(ckpt_of "$ROOT/finetune")" --label-file $DATA/classes.txt --include-values \
    --show-path "$PICS/confusion.png"
run "$PY" tools/analysis/summarize_run.py "$ROOT" --out "$ROOT/summary.json" \
    --path "pretrain=$ROOT/pretrain" --path "backbone=$BACKBONE" \
    --path "finetune=$ROOT/finetune" --path "scratch=$ROOT/scratch" \
    --path "linear=$ROOT/linear" --path "pictures=$PICS"
say "checkpoints and logs: $ROOT/{pretrain,finetune,scratch,linear}; backbone: $BACKBONE"
say "pictures: $PICS"
