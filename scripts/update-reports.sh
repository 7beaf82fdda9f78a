#!/usr/bin/env bash
# Regenerates the API reports (report*.api.md) and unused-dependency reports
# (knip-report.md) of the published packages. The test command checks them
# with the same options.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node
ensure_npm_deps
cd "$ROOT"
# The reports read dist-types: declarations of files since deleted would
# still be read there and could change how unions print, so the reports made
# here would differ from a fresh clone's.
rm -rf dist-types
tsc -p tsconfig.json
backstage-repo-tools api-reports "${API_REPORT_OPTIONS[@]}" plugins/*
backstage-repo-tools knip-reports "${KNIP_REPORT_PACKAGES[@]}"
