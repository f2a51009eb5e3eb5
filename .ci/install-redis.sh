#!/usr/bin/env bash
# Installs Debian's redis-server for fluxgate-redis's tests (each test class starts its own server), when it is missing.
set -euo pipefail
if command -v redis-server > /dev/null 2>&1; then
  exit 0
fi
echo "== installing redis-server (tests of fluxgate-redis)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq redis-server > /dev/null
redis-server --version
