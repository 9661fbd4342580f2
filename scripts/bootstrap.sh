#!/usr/bin/env bash
# Create .venv/ if missing and install the exact versions of requirements.lock plus this project (editable).
# Reinstalls only when requirements.lock or pyproject.toml changed. Needs Python 3.11+ with pip and venv.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is needed (found: $("$python" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    echo "[setup] creating .venv/ with $("$python" --version)"
    "$python" -m venv .venv
fi
stamp=.venv/.installed-from
wanted=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "[setup] installing the locked dependencies into .venv/ (first run takes a minute) …"
    .venv/bin/python -m pip install --disable-pip-version-check --quiet --require-hashes -r requirements.lock
    .venv/bin/python -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation -e .
    echo "$wanted" > "$stamp"
fi
