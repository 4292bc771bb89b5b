#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing (once per machine, ~45 s, ~480 MB).
#
# Playwright's own browser download cannot work here; the tests launch this binary
# through playwright-core (test/support/chromium.ts). CHROMIUM_PATH overrides it.
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO='sudo'
  else
    echo "ensure-chromium: $CHROMIUM_PATH is missing and installing it needs root (apt-get install -y chromium)" >&2
    exit 1
  fi
fi

echo "ensure-chromium: $CHROMIUM_PATH is missing; installing Debian's chromium (apt-get, about a minute)..."
start=$SECONDS
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "ensure-chromium: apt-get finished but $CHROMIUM_PATH is still missing" >&2
  exit 1
fi
echo "ensure-chromium: installed $CHROMIUM_PATH in $((SECONDS - start)) s"
