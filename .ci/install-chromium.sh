#!/usr/bin/env bash
# Installs Debian's Chromium for the demo's headless page tests, when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "== installing chromium (headless page tests of fluxgate-demo)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium > /dev/null
/usr/bin/chromium --version
