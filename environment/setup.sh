#!/usr/bin/env bash
# `npm run setup`: everything permafrost-lab needs on a fresh machine, idempotent.
#   1. Node dependencies from the lockfile
#   2. Jupyter (and the test referees) from Debian's packages when root on Debian, then the build in
#      dist/ (after them: the build reads PROJ's EPSG registry through GDAL's Python bindings)
#   3. the tslab kernel, and node_modules/permafrost-lab -> the repository (import by name)
#   4. the synthetic sample data in data/sample/
#   5. the `permafrost-lab` command in ~/.local/bin (environment/link-command.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '[setup] %s\n' "$*"; }

# 1. Node dependencies (npm ci only when the lockfile changed).
stamp=node_modules/.permafrost-lab-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d node_modules/tslab ]]; then
  say "node modules up to date"
else
  say "installing node modules from package-lock.json"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
# tslab's one change that its exports cannot reach (shorthand properties naming earlier cells' names)
node environment/tslab-patches.cjs

# 2. Jupyter and the referees (GDAL, rasterio, scikit-learn, SciPy, PROJ, Chromium).
python="${PERMAFROST_PYTHON:-}"
if [[ -z "$python" ]]; then
  if [[ -x /usr/bin/python3 ]]; then python=/usr/bin/python3; else python="$(command -v python3 || true)"; fi
fi
has_jupyter() { command -v jupyter >/dev/null && [[ -n "$python" ]] && "$python" -c 'import nbclient, nbconvert, ipykernel' 2>/dev/null; }
packages=$(grep -v '^#' environment/debian-packages.txt | tr '\n' ' ')
missing_debs() {
  local p out=()
  for p in $packages; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || out+=("$p"); done
  echo "${out[*]:-}"
}
if [[ -f /etc/debian_version ]] && command -v dpkg-query >/dev/null; then
  missing="$(missing_debs)"
  if [[ -z "$missing" ]]; then
    say "Debian packages present"
  elif [[ "$(id -u)" == 0 ]]; then
    say "installing Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    python=/usr/bin/python3
  elif ! has_jupyter; then
    say "Jupyter is missing. Install it, then run npm run setup again:"
    say "  sudo apt-get install $missing"
    exit 1
  else
    say "warning: test referees missing (tests that need them will fail): sudo apt-get install $missing"
  fi
fi
say "building dist/"
npm run --silent build
if ! has_jupyter; then
  say "Jupyter (jupyter, nbclient, nbconvert, ipykernel) was not found for ${python:-python3}."
  say "Install it with your system's packages (Debian: apt-get install $packages),"
  say "or with conda: conda env create -f environment/environment.yml; then run npm run setup again."
  exit 1
fi

# 3. The tslab kernel (this checkout's tslab, not a global one) and the package link.
ln -sfn .. node_modules/permafrost-lab
# The kernel is environment/tslab-kernel.cjs: tslab, with this checkout's packages importable from a
# notebook in any folder (see the README, "Your own notebooks"), started by the command that
# environment/kernel-spec.cjs writes (it says what to do when this checkout has moved).
want_argv="$(node environment/kernel-spec.cjs --argv)"
have_argv="$("$python" -c 'from jupyter_client.kernelspec import KernelSpecManager as K; import json; print(json.dumps(K().get_kernel_spec("tslab").argv, separators=(",", ":"), ensure_ascii=False))' 2>/dev/null || true)"
# the whole command, element by element ("/x/work/main/…" must not pass for "/work/main/…")
if [[ "$have_argv" == "$want_argv" ]]; then
  say "tslab kernel registered"
else
  say "registering the tslab kernel (environment/tslab-kernel.cjs) with $python"
  spec="$(mktemp -d)"
  mkdir -p "$spec/tslab"
  node environment/kernel-spec.cjs "$spec/tslab"
  "$python" -c 'import sys; from jupyter_client.kernelspec import KernelSpecManager as K; print(K().install_kernel_spec(sys.argv[1], kernel_name="tslab", user=True))' "$spec/tslab" >/dev/null
  rm -rf "$spec"
fi

# 4. The synthetic sample (once the generator exists; regenerated when the generator changes).
if node dist/cli/main.js --help | grep -q '^  sample '; then
  node dist/cli/main.js sample --out data/sample --if-stale
else
  say "no sample generator yet: skipping the sample data"
fi
# 5. The command line, from any folder.
bash "$root/environment/link-command.sh"
say "done"
