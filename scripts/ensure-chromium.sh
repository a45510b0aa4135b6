#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser test (test/browser/docs.test.ts).
#
# Idempotent: does nothing when Chromium is already there. Otherwise, when running as root with apt-get, it
# installs the `chromium` package, running `apt-get update` only when the package lists don't know it (or the
# first install attempt fails on stale lists). It never fails the caller: when Chromium cannot be installed it
# prints a warning and exits 0, and the browser test then reports itself as skipped, saying why.
#
# Usage (from .ci/run): scripts/ensure-chromium.sh
set -u

CHROMIUM=/usr/bin/chromium

warn() {
  echo "ensure-chromium: WARNING: $*" >&2
  echo "ensure-chromium: the browser test (test/browser/docs.test.ts) will be SKIPPED." >&2
  exit 0
}

version() {
  # Debian's wrapper script prints a harmless shell warning on stderr on some machines; keep only the version.
  "$CHROMIUM" --version 2>/dev/null || echo "(version unknown)"
}

if [ -x "$CHROMIUM" ]; then
  echo "ensure-chromium: $(version) already installed at $CHROMIUM"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  warn "$CHROMIUM is missing and this is not root; install it with: sudo apt-get install -y chromium"
fi
if ! command -v apt-get >/dev/null 2>&1; then
  warn "$CHROMIUM is missing and apt-get is not available; install Chromium with your package manager"
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg run (e.g. an unattended upgrade) instead of failing on its lock.
APT_OPTS=(-o DPkg::Lock::Timeout=300)

updated=0
apt_update() {
  echo "ensure-chromium: apt-get update"
  apt-get "${APT_OPTS[@]}" update -qq && updated=1
}
apt_install() {
  echo "ensure-chromium: apt-get install -y -qq chromium"
  apt-get "${APT_OPTS[@]}" install -y -qq chromium
}

if ! apt-cache show chromium >/dev/null 2>&1; then
  apt_update || warn "apt-get update failed"
fi

if ! apt_install; then
  if [ "$updated" -eq 0 ] && apt_update && apt_install; then
    :
  else
    warn "apt-get install chromium failed (see the output above)"
  fi
fi

if [ -x "$CHROMIUM" ]; then
  echo "ensure-chromium: installed $(version) at $CHROMIUM"
else
  warn "the chromium package was installed but $CHROMIUM does not exist"
fi
exit 0
