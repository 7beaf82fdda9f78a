#!/usr/bin/env bash
# Starts the portal on embedded defaults: SQLite under data/, desktops run by
# the local provider. Frontend on http://localhost:3000, backend on :7007.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_debs "${DESKTOP_DEBS[@]}"
ensure_npm_deps
# Backstage reads APP_CONFIG_* variables as config, over app-config.yaml.
APP_CONFIG_workspaces_local_dataDir="$(desktops_dir "$ROOT/data/desktops")"
export APP_CONFIG_workspaces_local_dataDir

# The portal's own data (sign-in keys, every plugin's SQLite database) is for
# the portal alone: a 0700 folder, and 0600 files, also those an earlier start
# made with the default 0644.
mkdir -p "$ROOT/data/sqlite"
chmod 0700 "$ROOT/data/sqlite"
find "$ROOT/data/sqlite" -type f -exec chmod 0600 {} +
# New files get 0600 too. Not as root: the local provider then runs each
# desktop as its own user, who passes through the desktop's folder, and that
# folder takes its mode (0711) from mkdir, which a umask of 077 cuts to 0700.
# The 0700 folder above still keeps other users out of the databases.
if [ "$(id -u)" != 0 ]; then
  umask 077
fi

cd "$ROOT"
log "starting the portal: http://localhost:3000"
exec backstage-cli repo start "$@"
