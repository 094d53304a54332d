#!/usr/bin/env bash
# `npm run lab`: Jupyter on notebooks/, JupyterLab when installed, else the classic Notebook.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../notebooks"
extra=()
# Jupyter refuses to start as root without this (containers, CI machines).
[[ "$(id -u)" == 0 ]] && extra+=(--allow-root)
if jupyter lab --version >/dev/null 2>&1; then exec jupyter lab "${extra[@]}" "$@"; fi
exec jupyter notebook "${extra[@]}" "$@"
