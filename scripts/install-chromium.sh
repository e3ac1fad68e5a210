#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (with CJK fonts for the Chinese pages).
exec bash "$(dirname "$0")/apt-ensure.sh" chromium chromium fonts-noto-cjk
