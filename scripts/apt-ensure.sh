#!/usr/bin/env bash
# Usage: apt-ensure.sh COMMAND PACKAGE... — install Debian packages once if COMMAND is missing
# (needs root + apt). Used for the tools tests and benchmarks drive: chromium, wrk.
set -euo pipefail
command_name="$1"
shift
if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$command_name is missing; run as root: apt-get install -y $*" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
