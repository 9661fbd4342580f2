#!/usr/bin/env bash
# The main job: set up .venv/, validate the curated data, regenerate every derived output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/system_packages.sh
exec .venv/bin/python -m analysis build "$@"
