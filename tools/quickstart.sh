#!/usr/bin/env bash
# The main job of mmaction-imr on the embedded synthetic data set, from a
# fresh clone: self-supervised PMSP+CTP pretraining on compressed video ->
# the backbone -> fine-tuning on a small labelled subset (3-crop test),
# beside the same network trained from scratch -> linear probe -> video
# retrieval -> pictures -> one table and WORK_ROOT/summary.json.
#
# usage: bash tools/quickstart.sh [--pretrain-epochs N] [--finetune-epochs N]
#            [--linear-epochs N] [--data DIR [--reencode]] [--dry-run]
#            [--supervised] [WORK_ROOT]
#   WORK_ROOT           default work_dirs/quickstart (with --data DIR:
#                       work_dirs/quickstart_<name of DIR>)
#   --pretrain-epochs   PMSP+CTP epochs (default 7, to stay within 15
#                       minutes; CTP needs the toy config's 30)
#   --finetune-epochs   fine-tuning and scratch (default 15), --supervised
#                       (default 40, the config's)
#   --linear-epochs     linear probe (default 8; the config's 20)
#   --data DIR          your own videos instead, DIR/<class>/<video>: 80 %
#                       of each class trains, 20 % tests (the same toy-size
#                       recipes: 56x56 crops of the short side 64)
#   --reencode          with --data: first re-encode DIR to the paper's
#                       format (MPEG-4 Part 2, GOP 12, 340x256)
#   --supervised        instead: the supervised three-stream toy model on
#                       all labelled clips, trained and tested
#   --dry-run           print the commands instead of running them
# Steps, each skipped when its output is there (a second run re-prints the
# summary in seconds): .venv with the pinned stack; data/synthetic (8
# classes that differ only in motion, MPEG-4 Part 2, GOP 12); pretraining
# (pretext accuracy on the val clips); tools/convert_pretrained.py;
# fine-tuning and scratch (48 labelled clips, 15 epochs each); linear probe
# (192 labelled clips, frozen backbone); tools/retrieval.py (R@1/5/10);
# pictures: the motion vectors and residuals of one clip, PMSP labels vs
# prediction on two clips, retrieval neighbours, training curves, the
# fine-tuned model's confusion matrix.
# With --data DIR: tools/data/reencode.py (--reencode), the lists of
# tools/data/build_filelist.py folders in WORK_ROOT/data, and the toy
# configs pointed at them by tools/data/retarget_config.py in
# WORK_ROOT/configs (fine-tuning and scratch then use every train video).
set -euo pipefail

usage() { sed -n '8,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
DRY=0
SEEDS=0
PRE_EPOCHS=7
FT_EPOCHS=""
LIN_EPOCHS=8
ROOT=""
USER_DATA=""
SUPERVISED=0
REENCODE=0
declare -A OPTIONS=([--pretrain-epochs]=PRE_EPOCHS [--finetune-epochs]=FT_EPOCHS
                    [--linear-epochs]=LIN_EPOCHS [--data]=USER_DATA)
declare -A FLAGS=([--supervised]=SUPERVISED [--reencode]=REENCODE)
source "$(dirname "${BASH_SOURCE[0]}")/lib/steps.sh"
parse_args "$@"
if [ -z "$FT_EPOCHS" ]; then
    FT_EPOCHS=15
    [ $SUPERVISED = 0 ] || FT_EPOCHS=40
fi
check_epochs 2 "$PRE_EPOCHS" "$FT_EPOCHS" "$LIN_EPOCHS"
if [ -n "$USER_DATA" ]; then
    [ -d "$USER_DATA" ] || { echo "--data $USER_DATA: not a folder" >&2; exit 2; }
    USER_DATA=$(cd "$USER_DATA" && pwd)
elif [ $REENCODE = 1 ]; then
    echo "--reencode needs --data DIR" >&2; exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ $DRY = 1 ]; then
    PY=${PY:-python}
else
    source tools/setup_env.sh
fi
say() { echo "[quickstart] $*"; }
TOY=configs/toy
PRE=$TOY/imr-pmsp-ctp_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
FT=$TOY/imr_r18-tiny-pmsp-ctp-ft_1xb8-5gop-toy_synthetic-compressed.py
SCRATCH=$TOY/imr_r18-tiny-subset_1xb8-5gop-toy_synthetic-compressed.py
LINEAR=configs/linear/imr_r18-tiny-linear_1xb16-5gop-toy_synthetic-compressed.py
SUP=$TOY/imr_r18-tiny_1xb16-5gop-toy_synthetic-compressed.py
# default WORK_ROOT: work_dirs/quickstart[_supervised][_<name of DIR>]
name=quickstart
[ $SUPERVISED = 0 ] || name+=_supervised
[ -z "$USER_DATA" ] || name+=_$(basename "$USER_DATA")
ROOT=${ROOT:-work_dirs/$name}
if [ -z "$USER_DATA" ]; then
    DATA=data/synthetic
    VIDEO_ROOT=$DATA/videos
    VAL=$DATA/val.txt
    say "synthetic data set in $DATA"
    todo $DATA/classes.txt && run "$PY" tools/data/make_synthetic.py --out $DATA
    use_decode_cache  # your own videos (--data) are decoded every time
else
    DATA=$ROOT/data
    VIDEO_ROOT=$USER_DATA
    if [ $REENCODE = 1 ]; then
        VIDEO_ROOT=$DATA/videos
        say "re-encoding $USER_DATA to the paper's format in $VIDEO_ROOT"
        if todo "$VIDEO_ROOT/.done"; then
            run "$PY" tools/data/reencode.py "$USER_DATA" "$VIDEO_ROOT"
            run touch "$VIDEO_ROOT/.done"
        fi
    fi
    VAL=$DATA/list_val.txt
    say "lists of $VIDEO_ROOT in $DATA (80 % of each class trains, 20 % tests)"
    todo $DATA/classes.txt && run "$PY" tools/data/build_filelist.py folders \
        "$VIDEO_ROOT" --out "$DATA/list.txt" --split-ratio 0.8
    # The toy recipes this run uses, pointed at these lists (the synthetic
    # set's unlabelled clips become the train videos too).
    syn=data/synthetic
    recipes="PRE FT SCRATCH LINEAR"
    [ $SUPERVISED = 0 ] || recipes=SUP
    for name in $recipes; do
        out=$ROOT/configs/$(basename "${!name}")
        todo "$out" && run "$PY" tools/data/retarget_config.py "${!name}" "$out" \
            --video-root "$VIDEO_ROOT" --class-names "$DATA/classes.txt" \
            --list "$syn/train.txt=$DATA/list_train.txt" \
            --list "$syn/unlabelled.txt=$DATA/list_train.txt" \
            --list "$syn/val.txt=$VAL"
        printf -v "$name" '%s' "$out"
    done
fi

if [ $SUPERVISED = 1 ]; then
    say "training $SUP (about 13 minutes on the synthetic set)"
    # shellcheck disable=SC2046
    train_step "$ROOT/train" "$SUP" 0 $(warm_cosine "$FT_EPOCHS")
    test_step "$ROOT/train" "$SUP" supervised
    run "$PY" tools/analysis/summarize_run.py "$ROOT" --sections supervised \
        --out "$ROOT/summary.json" --path "train=$ROOT/train"
    say "checkpoints and logs: $ROOT/train"
    exit 0
fi
PICS=$ROOT/pictures
BACKBONE=$ROOT/backbone.pth

say "1/6 PMSP+CTP pretraining, $PRE_EPOCHS epochs, no labels ($PRE)"
# shellcheck disable=SC2046  # one word per option
train_step "$ROOT/pretrain" "$PRE" 0 $(warm_cosine "$PRE_EPOCHS")
test_step "$ROOT/pretrain" "$PRE" pretext
todo "$BACKBONE" && run "$PY" tools/convert_pretrained.py \
    "$(ckpt_of "$ROOT/pretrain")" "$BACKBONE" --trust-checkpoint
say "2/6 fine-tuning the backbone on the labelled clips, $FT_EPOCHS epochs ($FT)"
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
retrieval_step "$LINEAR" "$BACKBONE" "$ROOT/retrieval.json" --num-show 2 \
    --label-file "$DATA/classes.txt" --show-dir "$PICS/retrieval"
say "6/6 pictures in $PICS"
# the first val clip of the first class and of the middle one
VIDEOS=()
if [ -f "$VAL" ]; then
    n=$(grep -c . "$DATA/classes.txt")
    for label in 0 $((n / 2)); do
        rel=$(awk -v l="$label" '$NF == l { sub(/[ \t]+[^ \t]+$/, ""); print; exit }' "$VAL")
        [ -z "$rel" ] || VIDEOS+=("$VIDEO_ROOT/$rel")
    done
else  # --dry-run before the lists exist
    VIDEOS=("$VIDEO_ROOT/<first val video of class 0>"
            "$VIDEO_ROOT/<first val video of the middle class>")
fi
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
    "$(ckpt_of "$ROOT/finetune")" --label-file "$DATA/classes.txt" --include-values \
    --show-path "$PICS/confusion.png"
run "$PY" tools/analysis/summarize_run.py "$ROOT" --out "$ROOT/summary.json" \
    --path "pretrain=$ROOT/pretrain" --path "backbone=$BACKBONE" \
    --path "finetune=$ROOT/finetune" --path "scratch=$ROOT/scratch" \
    --path "linear=$ROOT/linear" --path "pictures=$PICS"
say "checkpoints and logs: $ROOT/{pretrain,finetune,scratch,linear}; backbone: $BACKBONE"
say "pictures: $PICS"
