#!/usr/bin/env bash
# The `permafrost-lab` command, as `npm link` would make it but without writing into npm's global
# prefix (often root's): a small launcher in ~/.local/bin (or $PERMAFROST_BIN_DIR) that runs this
# checkout's dist/cli/main.js with the Node.js that ran setup. Idempotent; says what to add to the
# PATH when that folder is not on it. A `permafrost-lab` there that this script did not write is kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '[setup] %s\n' "$*"; }
bin="${PERMAFROST_BIN_DIR:-$HOME/.local/bin}"
launcher="$bin/permafrost-lab"
node="$(command -v node)"
marker='# permafrost-lab command, written by npm run setup'
text="#!/bin/sh
$marker in $root
exec \"$node\" \"$root/dist/cli/main.js\" \"\$@\""
mkdir -p "$bin"
if [[ -e "$launcher" || -L "$launcher" ]] && ! grep -qF "$marker" "$launcher" 2>/dev/null; then
  say "kept $launcher: it was not written by this setup (remove it to get this checkout's command there)"
elif [[ -f "$launcher" && "$(cat "$launcher")" == "$text" ]]; then
  say "command permafrost-lab in $bin"
else
  before="$(grep -F "$marker" "$launcher" 2>/dev/null | sed "s|^$marker in ||" || true)"
  printf '%s\n' "$text" > "$launcher.$$.tmp"
  chmod 755 "$launcher.$$.tmp"
  mv -f "$launcher.$$.tmp" "$launcher"
  say "wrote $launcher: runs this checkout's permafrost-lab${before:+ (it ran $before before)}"
fi
case ":$PATH:" in
  *":$bin:"*) ;;
  *) say "$bin is not on your PATH; add it to run permafrost-lab from any folder:"
     say "  echo 'export PATH=\"$bin:\$PATH\"' >> ~/.bashrc   # then open a new terminal" ;;
esac
