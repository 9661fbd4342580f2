#!/usr/bin/env bash
# The test suite: set up .venv/ the same way as the main job, then run every test (slow ones included) on all
# cores with pytest-xdist (tests marked xdist_group share a worker and its module fixtures). PYTEST_WORKERS=1
# runs them in one process; extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/system_packages.sh
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist loadgroup "$@"
