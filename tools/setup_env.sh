#!/usr/bin/env bash
# Shared set-up of tools/quickstart.sh and tools/run_tests.sh (sourced, not run).
# Creates the venv (.venv, or $IMR_VENV) when missing and installs into it
# exactly the tested environment of requirements/constraints.txt, then the
# package itself (editable). A second run finds the install stamp up to date
# and returns in about a second.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${IMR_VENV:-$REPO_ROOT/.venv}"
STAMP="$VENV/.mmaction_imr_installed"
CONSTRAINTS="$REPO_ROOT/requirements/constraints.txt"

pick_python() {
    for py in python3.11 python3.12 python3.10 python3; do
        if command -v "$py" >/dev/null 2>&1 && "$py" -c \
            'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
            echo "$py"; return 0
        fi
    done
    echo "error: Python >= 3.10 is required (none found on PATH)" >&2
    return 1
}

# Print two lines: the installed distributions that the constraints file does
# not name (the package itself and pip aside), e.g. a wheel an older set-up
# installed; then the listed ones that share a top-level folder with those
# (both OpenCV wheels install cv2/), to reinstall after the removal.
strays() {
    "$VENV/bin/python" - "$CONSTRAINTS" <<'EOF'
import importlib.metadata as md
import re
import sys


def norm(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def top_levels(dist):
    return {f.parts[0] for f in dist.files or ()
            if not f.parts[0].endswith(('.dist-info', '.data', '..'))}


with open(sys.argv[1], encoding='utf-8') as f:
    wanted = {norm(line.split('==')[0].strip()) for line in f
              if line.split('#')[0].strip()}
dists = {norm(d.metadata['Name']): d for d in md.distributions()}
extra = sorted(set(dists) - wanted - {'mmaction-imr', 'pip'})
shared = set().union(*(top_levels(dists[n]) for n in extra))
overlap = sorted(n for n in wanted & set(dists)
                 if top_levels(dists[n]) & shared)
print(' '.join(extra))
print(' '.join(overlap))
EOF
}

# The stamp records what was installed: installing again is needed only when
# setup.py, the constraints file, this script or the checkout changes.
# The checkout's path counts too: the package is installed in editable mode,
# so a venv shared by two checkouts (IMR_VENV) must follow the one in use.
want="$( (cat "$REPO_ROOT/setup.py" "$CONSTRAINTS" "${BASH_SOURCE[0]}"; \
    echo "$REPO_ROOT") | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ]; then
    py="$(pick_python)"
    echo "[setup] creating $VENV with $py"
    "$py" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
    echo "[setup] installing the tested stack (requirements/constraints.txt)" \
        "and mmaction-imr into $VENV"
    # Exactly the listed versions, without dependency resolution: the list
    # is complete, and resolving would bring back the second OpenCV wheel
    # that mmengine and mmcv-lite declare (see the constraints file).
    "$VENV/bin/python" -m pip install --quiet --no-deps -r "$CONSTRAINTS"
    { read -r extra; read -r overlap; } < <(strays)
    if [ -n "$extra" ]; then
        echo "[setup] removing packages the constraints do not list: $extra"
        # shellcheck disable=SC2086  # one word per package
        "$VENV/bin/python" -m pip uninstall --quiet --yes $extra
        if [ -n "$overlap" ]; then
            # their shared files went with the stray: put them back
            # shellcheck disable=SC2086
            "$VENV/bin/python" -m pip install --quiet --no-deps \
                --force-reinstall -c "$CONSTRAINTS" $overlap
        fi
    fi
    # setuptools is in the list, so the build needs no isolated download.
    "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation \
        -c "$CONSTRAINTS" -e "$REPO_ROOT"
    # Every declared dependency must be there, but for the OpenCV wheel we
    # leave out on purpose; decord's wheel carries a stale cp36 tag inside
    # (its file name says py3, and it imports fine).
    problems="$("$VENV/bin/python" -m pip check 2>&1 \
        | grep -v -e 'requires opencv-python, which is not installed' \
                  -e '^No broken requirements found' \
                  -e '^decord 0.6.0 is not supported on this platform' \
        || true)"
    if [ -n "$problems" ]; then
        echo "error: $VENV does not match $CONSTRAINTS:" >&2
        echo "$problems" >&2
        return 1 2>/dev/null || exit 1
    fi
    echo "$want" > "$STAMP"
else
    echo "[setup] $VENV is up to date"
fi
PY="$VENV/bin/python"
export PY REPO_ROOT
