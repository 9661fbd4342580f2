#!/usr/bin/env bash
# Refresh requirements.lock (exact versions with hashes) from pyproject.toml and requirements-build.txt.
# Run after changing a dependency range; commit the new lock; then `bash scripts/build.sh` reinstalls.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
python3 -m venv "$tool/venv"
"$tool/venv/bin/python" -m pip install --quiet "uv>=0.5,<1"
"$tool/venv/bin/uv" pip compile pyproject.toml requirements-build.txt --all-extras \
    --generate-hashes --python-version 3.11 --no-header --output-file requirements.lock
echo "requirements.lock refreshed"
