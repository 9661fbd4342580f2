#!/usr/bin/env bash
# The test suite: set up .venv/ the same way as the main job, then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/system_packages.sh
exec .venv/bin/python -m pytest "$@"
