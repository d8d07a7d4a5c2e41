# Argument handling and steps of the toy experiment scripts
# (tools/reproduce_toy_table3.sh, tools/reproduce_toy_mvcgc.sh,
# tools/analysis/joint_sweep.sh), sourced by them.
#
# parse_args "$@": --dry-run (DRY=1: print the commands instead of running
# them), -h/--help (the script's `usage`), the value options the script
# names in the associative array OPTIONS (option -> variable), the flags
# it names in the associative array FLAGS (option -> variable set to 1), one
# WORK_ROOT (ROOT, made absolute: it is relative to where the script is
# called from); checks that SEEDS are integers. Exit 2 on bad arguments.
#
# The steps need PY (the Python to run). A step whose output exists is not
# run again, so an interrupted script goes on where it stopped. The tests
# read only checkpoints that the script's own runs wrote: --trust-checkpoint
# lets the tools read these full training pickles.
parse_args() {
    declare -p FLAGS > /dev/null 2>&1 || declare -gA FLAGS=()
    while [ $# -gt 0 ]; do
        case $1 in
            --dry-run) DRY=1 ;;
            -h|--help) usage; exit 0 ;;
            -*)
                if [ -n "${FLAGS[$1]+set}" ]; then
                    printf -v "${FLAGS[$1]}" 1; shift; continue
                fi
                if [ -z "${OPTIONS[$1]+set}" ]; then
                    echo "unknown argument: $1" >&2; usage >&2; exit 2
                fi
                [ $# -ge 2 ] || { echo "$1 needs a value" >&2; usage >&2; exit 2; }
                printf -v "${OPTIONS[$1]}" '%s' "$2"; shift ;;
            *) [ -z "$ROOT" ] || { echo "one WORK_ROOT only" >&2; exit 2; }; ROOT=$1 ;;
        esac
        shift
    done
    local s
    for s in $SEEDS; do
        [[ $s =~ ^[0-9]+$ ]] || { echo "seeds must be integers, got: $s" >&2; exit 2; }
    done
    [ -z "$ROOT" ] || [[ $ROOT = /* ]] || ROOT=$PWD/$ROOT
}
# --jobs N (scripts that offer it): run N independent runs at once, each with
# $(nproc)/N torch threads (OMP_NUM_THREADS, unless the caller set it) and its
# output added to a log file. On 2 cores two 1-thread runs get through about 1.4x
# the work of one 2-thread run (docs/reliability.md); a run's last digits
# depend on its thread count, so say --jobs with the figures.
JOBS=1
start_jobs() {  # after parse_args: check JOBS, set the threads
    [[ $JOBS =~ ^[1-9][0-9]*$ ]] || { echo "--jobs must be an integer >= 1, got: $JOBS" >&2; exit 2; }
    if [ "$JOBS" -gt 1 ] && [ -z "${OMP_NUM_THREADS:-}" ]; then
        local t=$(( $(nproc) / JOBS ))
        export OMP_NUM_THREADS=$(( t > 0 ? t : 1 ))
        [ "$DRY" = 1 ] && echo "export OMP_NUM_THREADS=$OMP_NUM_THREADS"
    fi
    return 0
}
spawn() {  # LOG FUNCTION [ARGS...]: run it, in the background if JOBS > 1
    local log=$1; shift
    if [ "$JOBS" -le 1 ] || [ "$DRY" = 1 ]; then "$@"; return; fi
    [ -n "${JOB_FAILURES:-}" ] || JOB_FAILURES=$(mktemp)
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    mkdir -p "$(dirname "$log")"
    echo "started $*: log $log"
    # A failure is written down by the job itself: wait's status of a job
    # that ended before anyone waited for it is easily lost. Not with
    # `( "$@" ) || echo`: bash ignores set -e inside a command whose status
    # is tested, so a failed step would go on to the next one.
    {
        set +e
        ( set -e; "$@" ) >> "$log" 2>&1
        [ $? -eq 0 ] || echo "$log" >> "$JOB_FAILURES"
    } &
}
finish_jobs() {  # wait for the spawned runs; exit 1 if one failed
    wait
    if [ -s "${JOB_FAILURES:-/dev/null}" ]; then
        echo "these runs failed (see their logs):" >&2
        cat "$JOB_FAILURES" >&2
        exit 1
    fi
}
check_epochs() {  # MIN N...: every N an integer >= MIN, else exit 2
    local min=$1 n; shift
    for n; do
        [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge "$min" ] \
            || { echo "epochs must be integers >= $min, got: $n" >&2; exit 2; }
    done
}
# The toy schedules shortened to N epochs, as cfg-options: a linear warm-up
# epoch then cosine to 0 (pretraining, fine-tuning), or cosine from epoch 0
# (the linear probe).
warm_cosine() {
    echo "train_cfg.max_epochs=$1 param_scheduler.1.T_max=$(($1 - 1))" \
        "param_scheduler.1.end=$1"
}
cosine() { echo "train_cfg.max_epochs=$1 param_scheduler.0.T_max=$1 param_scheduler.0.end=$1"; }
run() { if [ "$DRY" = 1 ]; then echo "$*"; else "$@"; fi; }
# Keep the decoded clips of the synthetic set in work_dirs/decode_cache
# (CompressedVideoDecode's cache_dir, through IMR_DECODE_CACHE; about 4 GB
# for the whole set): after the first epoch every epoch, test and later run
# reads them instead of decoding again, with the same streams. Call it from
# the repository root. An IMR_DECODE_CACHE of the caller's environment wins;
# set it empty for no cache.
use_decode_cache() {
    export IMR_DECODE_CACHE=${IMR_DECODE_CACHE-$PWD/work_dirs/decode_cache}
    if [ "$DRY" = 1 ] && [ -n "$IMR_DECODE_CACHE" ]; then
        echo "export IMR_DECODE_CACHE=$IMR_DECODE_CACHE"
    fi
}
todo() { [ "$DRY" = 1 ] || [ ! -e "$1" ]; }
ckpt_of() {  # WORK_DIR -> its last checkpoint
    if [ "$DRY" = 1 ]; then echo "\$(cat $1/last_checkpoint)"; else cat "$1/last_checkpoint"; fi
}
# tools/test.py's metrics (mmengine writes <work_dir>/<timestamp>/<timestamp>.json),
# kept under one name so that the summary can tell the evaluations apart.
keep_metrics() {  # WORK_DIR NAME OUT
    if [ "$DRY" = 1 ]; then
        echo "wrap \$(ls -t $1/*/*.json | head -1) as {\"$2\": ...} > $3"
    else
        "$PY" -c 'import json, sys
print(json.dumps({sys.argv[2]: json.load(open(sys.argv[1]))}))' \
            "$(ls -t "$1"/*/*.json | head -1)" "$2" > "$3.tmp"
        mv "$3.tmp" "$3"
    fi
}
train_step() {  # WORK_DIR CONFIG SEED [cfg-options...]: train once
    local dir=$1 cfg=$2 seed=$3; shift 3
    if todo "$dir/.done"; then
        run "$PY" tools/train.py "$cfg" --work-dir "$dir" --seed "$seed" \
            ${1+--cfg-options "$@"}
        run touch "$dir/.done"
    fi
}
test_step() {  # WORK_DIR CONFIG NAME [cfg-options...]: test the last
    local dir=$1 cfg=$2 name=$3; shift 3   # checkpoint of WORK_DIR -> NAME.json beside it
    if todo "$(dirname "$dir")/$name.json"; then
        run "$PY" tools/test.py "$cfg" "$(ckpt_of "$dir")" --trust-checkpoint \
            --work-dir "${dir}_${name}_test" ${1+--cfg-options "$@"}
        keep_metrics "${dir}_${name}_test" "$name" "$(dirname "$dir")/$name.json"
    fi
}
# MVCGC pretraining at toy scale (configs/mvcgc/): stage 1 of the RGB and
# of the MV encoder (STAGE1_DIR/rgb, STAGE1_DIR/mv), then stage 2 from
# their last checkpoints (STAGE2_DIR); ckpt_of STAGE2_DIR has both encoders.
MVCGC_TOY=configs/mvcgc/mvcgc-%s_r2plus1d-r18-tiny_1xb16-16x1x1-%s_toy_synthetic-%s.py
mvcgc_pretrain() {  # STAGE1_DIR STAGE2_DIR SEED STAGE1_EPOCHS STAGE2_EPOCHS
    local one=$1 two=$2 seed=$3 e1=$4 e2=$5 m cfg
    for m in rgb mv; do
        # shellcheck disable=SC2059  # the format is MVCGC_TOY
        printf -v cfg "$MVCGC_TOY" stage1 20e "$m"
        train_step "$one/$m" "$cfg" "$seed" "train_cfg.max_epochs=$e1"
    done
    # shellcheck disable=SC2059
    printf -v cfg "$MVCGC_TOY" stage2 10e rgb-mv
    train_step "$two" "$cfg" "$seed" "train_cfg.max_epochs=$e2" \
        "model.rgb_encoder.init_cfg.checkpoint=$(ckpt_of "$one/rgb")" \
        "model.mv_encoder.init_cfg.checkpoint=$(ckpt_of "$one/mv")"
}
retrieval_step() {  # CONFIG CHECKPOINT OUT [retrieval.py args...]: R@k -> OUT
    local cfg=$1 ckpt=$2 out=$3; shift 3
    if [ "$DRY" = 1 ]; then
        echo "$PY tools/retrieval.py $cfg $ckpt --trust-checkpoint --json $* > $out"
    elif todo "$out"; then
        "$PY" tools/retrieval.py "$cfg" "$ckpt" --trust-checkpoint --json "$@" \
            > "$out.tmp"
        mv "$out.tmp" "$out"
    fi
}
