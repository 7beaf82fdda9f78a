#!/usr/bin/env bash
# Starts the portal on embedded defaults: SQLite under data/, desktops run by
# the local provider. Frontend on http://localhost:3000, backend on :7007.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_debs "${DESKTOP_DEBS[@]}"
ensure_npm_deps
mkdir -p "$ROOT/data/sqlite"
# Backstage reads APP_CONFIG_* variables as config, over app-config.yaml.
APP_CONFIG_workspaces_local_dataDir="$(desktops_dir "$ROOT/data/desktops")"
export APP_CONFIG_workspaces_local_dataDir

cd "$ROOT"
log "starting the portal: http://localhost:3000"
exec backstage-cli repo start "$@"
