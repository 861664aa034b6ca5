#!/usr/bin/env bash
# Playwright cannot download its own browsers here; the end-to-end tests use Debian's
# Chromium at /usr/bin/chromium (see playwright.config.ts).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "› installing Chromium from Debian's packages"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "Chromium is missing and this user cannot install it: run 'apt-get install -y chromium' as root." >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version 2>/dev/null | tail -n 1
