#!/usr/bin/env bash
# Set up .venv (first run only) and run the test suite.
# Extra arguments go to pytest, e.g. `bash tools/run_tests.sh -k codec -x`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup_env.sh"
cd "$REPO_ROOT"
exec "$PY" -m pytest "$@"
