#!/usr/bin/env bash
# Set up .venv (first run only) and run the test suite.
# Extra arguments go to pytest, e.g. `bash tools/run_tests.sh -k codec -x`.
# Tests run in $IMR_TEST_WORKERS processes (pytest-xdist; default 2, one a
# core of the machines we test on); IMR_TEST_WORKERS=0 runs them in this
# process (for -s, --pdb).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup_env.sh"
cd "$REPO_ROOT"
exec "$PY" -m pytest -n "${IMR_TEST_WORKERS:-2}" --dist loadgroup "$@"
