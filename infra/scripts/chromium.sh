#!/usr/bin/env bash
# Debian's Chromium for the console's browser tests (apps/console: playwright-core drives /usr/bin/chromium;
# no test tool downloads a browser). Installs it with apt-get when missing and this runs as root; otherwise
# prints the command (not fatal: only the browser tests need it). SPINE_SETUP_INSTALL=never forbids installing.
set -euo pipefail
bin="${SPINE_CHROMIUM:-/usr/bin/chromium}"
[ -x "$bin" ] && exit 0
if [ "${SPINE_SETUP_INSTALL:-auto}" != never ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium with apt-get (the console's browser tests)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
else
  echo "chromium is not installed; the console's browser tests need it. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
fi
