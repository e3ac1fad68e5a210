#!/usr/bin/env bash
# bench/pages.py drives the server with Debian's wrk; install it once if missing (root + apt).
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "wrk is missing; run as root: apt-get install -y wrk" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends wrk >/dev/null || {
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wrk >/dev/null
}
