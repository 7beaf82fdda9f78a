#!/usr/bin/env bash
# Starts the portal on embedded defaults: SQLite under data/, desktops run by
# the local provider. The backend serves a production build of the frontend
# on http://localhost:7007 (DESKTOP_MANIA_PORT for another port); the build
# is made on the first start and again only when the frontend's sources
# change (see ensure_app_build in lib.sh). `--dev` (or DESKTOP_MANIA_DEV=1)
# runs the development servers instead: frontend on :3000 with reloading,
# backend on :7007.
# Beside it, for the cluster health page, Prometheus and node-exporter for
# this machine: Prometheus on http://localhost:9090 (another port when that
# one is taken), data under data/prometheus. They stop when the portal stops.
# DESKTOP_MANIA_PROMETHEUS=off starts the portal without them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dev="${DESKTOP_MANIA_DEV:-0}"
if [ "${1:-}" = --dev ]; then
  dev=1
  shift
fi

ensure_node
ensure_debs "${DESKTOP_DEBS[@]}"
# Prometheus is optional: when apt cannot install it, start_prometheus below
# says so in one line instead of apt's messages.
if [ "${DESKTOP_MANIA_PROMETHEUS:-on}" != off ] &&
  ! command -v prometheus >/dev/null 2>&1; then
  log "installing ${MONITORING_DEBS[*]} for the cluster health page"
  ensure_debs "${MONITORING_DEBS[@]}" >/dev/null 2>&1 || true
fi
ensure_npm_deps
if [ "$dev" != 1 ]; then
  ensure_app_build "$ROOT"
  port="${DESKTOP_MANIA_PORT:-7007}"
  # The browser loads the app from the backend, so the app's origin is the
  # backend's: the console's allowed origins and sign-in follow app.baseUrl.
  export APP_CONFIG_app_baseUrl="http://localhost:$port"
  export APP_CONFIG_backend_baseUrl="http://localhost:$port"
  export APP_CONFIG_backend_listen_port="$port"
  export APP_CONFIG_backend_cors_origin="http://localhost:$port"
fi
portal_url="${APP_CONFIG_app_baseUrl:-http://localhost:3000}"
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

cd "$ROOT" || exit

# Started in the background, the portal and Prometheus are stopped here when
# this script ends for any reason: the portal exits, Ctrl-C, or a SIGTERM to
# this script alone.
portal_pid=""
prometheus_pid=""
announce_pid=""
# shellcheck disable=SC2317 # run by the traps
stop_all() {
  local pid
  for pid in "$portal_pid" "$prometheus_pid" "$announce_pid"; do
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in "$portal_pid" "$prometheus_pid" "$announce_pid"; do
    if [ -n "$pid" ]; then wait "$pid" 2>/dev/null || true; fi
  done
  portal_pid=""
  prometheus_pid=""
  announce_pid=""
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prometheus scraping node-exporter and the portal's /api/workspaces/metrics,
# with the cluster health alert rules; see
# plugins/cluster-health-backend/dev/start-local-prometheus.ts.
start_prometheus() {
  local dir="$ROOT/data/prometheus" prometheus exporter token url
  if [ "${DESKTOP_MANIA_PROMETHEUS:-on}" = off ]; then
    log "not starting Prometheus (DESKTOP_MANIA_PROMETHEUS=off)"
    return 0
  fi
  prometheus="$(command -v prometheus || true)"
  exporter="$(command -v prometheus-node-exporter || command -v node_exporter || true)"
  if [ -z "$prometheus" ] || [ -z "$exporter" ]; then
    log "Prometheus and node-exporter are not installed and could not be (apt-get install ${MONITORING_DEBS[*]}): the portal starts without them, and the cluster health page says Prometheus is not answering"
    return 0
  fi
  mkdir -p "$dir"
  chmod 0700 "$dir"
  # The portal's metrics need a token: a new one on every start, which only
  # Prometheus reads (a 0600 file) and which may read the metrics and nothing
  # else, as in the production configs.
  token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s' "$token" >"$dir/scrape-token")
  # shellcheck disable=SC2089,SC2090 # JSON for Backstage, not shell words
  if [ -z "${APP_CONFIG_backend_auth_externalAccess:-}" ]; then
    printf -v APP_CONFIG_backend_auth_externalAccess '[{"type":"static","options":{"token":"%s","subject":"prometheus"},"accessRestrictions":[{"plugin":"workspaces","permission":"workspace.metrics.read"}]}]' "$token"
    export APP_CONFIG_backend_auth_externalAccess
  else
    log "APP_CONFIG_backend_auth_externalAccess is set, so Prometheus's token ($dir/scrape-token) is not added: its scrapes of the portal's metrics will be refused"
  fi
  rm -f "$dir/url"
  node --require "$ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs" \
    "$ROOT/plugins/cluster-health-backend/dev/start-local-prometheus.ts" \
    --data-dir "$dir" --url-file "$dir/url" --port 9090 \
    --portal "localhost:${port:-7007}" --token-file "$dir/scrape-token" \
    --prometheus "$prometheus" --node-exporter "$exporter" &
  prometheus_pid=$!
  # The port is chosen in a second or two; Prometheus gets ready meanwhile.
  for _ in $(seq 1 150); do
    [ -s "$dir/url" ] && break
    kill -0 "$prometheus_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [ ! -s "$dir/url" ]; then
    log "Prometheus did not start (see above): the portal starts without it"
    return 0
  fi
  url="$(cat "$dir/url")"
  # app-config.yaml reads it, http://localhost:9090 when unset.
  export LOCAL_PROMETHEUS_URL="$url"
  if [ "$url" != http://localhost:9090 ]; then
    log "port 9090 is taken: Prometheus for this machine listens at $url"
  fi
}
start_prometheus

# Says when the portal answers, which takes a while after the backend's many
# log lines begin; gives up when the backend process ($2) ends.
announce_ready() {
  # shellcheck disable=SC2016 # JavaScript's template string, not the shell's
  node -e '
    const [url, pid] = process.argv.slice(1);
    const tick = async () => {
      try { process.kill(Number(pid), 0); } catch { process.exit(1); }
      try {
        const res = await fetch(`${url}/.backstage/health/v1/readiness`);
        if (res.ok) process.exit(0);
      } catch {}
      setTimeout(tick, 500);
    };
    tick();' "$1" "$2" && log "the portal is ready: open $1"
}

# Its standard input stays the terminal's: Enter restarts the backend.
if [ "$dev" = 1 ]; then
  log "starting the development servers: $portal_url"
  backstage-cli repo start "$@" <&0 &
  portal_pid=$!
else
  log "starting the portal: $portal_url"
  (cd packages/backend && exec backstage-cli package start "$@") <&0 &
  portal_pid=$!
  announce_ready "$portal_url" "$portal_pid" &
  announce_pid=$!
fi
status=0
wait "$portal_pid" || status=$?
portal_pid=""
exit "$status"
