#!/usr/bin/env bash
# bench/pages.py drives the server with Debian's wrk.
exec bash "$(dirname "$0")/apt-ensure.sh" wrk wrk
