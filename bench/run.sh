#!/usr/bin/env bash
# Runs one benchmark: bash bench/run.sh console-relay | console-concurrency | first-load | ...
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_node
ensure_debs "${DESKTOP_DEBS[@]}" websockify
ensure_npm_deps
cd "$ROOT"
name="${1:?usage: bench/run.sh <benchmark>}"
shift
# The catalog benchmarks can run their catalog on PostgreSQL (or on both).
if [ "${2:-}" = postgres ] || [ "${2:-}" = both ]; then ensure_postgres; fi
# The first-load benchmark drives Debian's Chromium.
if [ "$name" = first-load ]; then ensure_debs chromium; fi
# So do the console's browser benchmarks (xterm and xdotool are desktop debs).
case "$name" in browser-relay | input-latency | bandwidth | recording-cost | frame-profile) ensure_debs chromium ;; esac
exec node --require @backstage/cli/config/nodeTransform.cjs "bench/$name.ts" "$@"
