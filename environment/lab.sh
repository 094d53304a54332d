#!/usr/bin/env bash
# `npm run lab`: Jupyter on notebooks/, JupyterLab when installed, else the classic Notebook.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../notebooks"
if jupyter lab --version >/dev/null 2>&1; then exec jupyter lab "$@"; fi
exec jupyter notebook "$@"
