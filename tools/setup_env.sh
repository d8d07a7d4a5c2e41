#!/usr/bin/env bash
# Shared set-up of tools/quickstart.sh and tools/run_tests.sh (sourced, not run).
# Creates .venv when missing and installs the package into it; a second run
# finds the install stamp up to date and returns in about a second.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${IMR_VENV:-$REPO_ROOT/.venv}"
STAMP="$VENV/.mmaction_imr_installed"

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

# The stamp records what was installed; installing again is needed only
# when setup.py changes.
want="$(cat "$REPO_ROOT/setup.py" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ]; then
    py="$(pick_python)"
    echo "[setup] creating $VENV with $py"
    "$py" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
    echo "[setup] installing mmaction-imr and its pinned stack into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    # torch first, pinned, so no other requirement can pull a CUDA build.
    "$VENV/bin/python" -m pip install --quiet 'torch==2.13.0'
    "$VENV/bin/python" -m pip install --quiet -e "$REPO_ROOT[tests]"
    echo "$want" > "$STAMP"
else
    echo "[setup] $VENV is up to date"
fi
PY="$VENV/bin/python"
export PY REPO_ROOT
