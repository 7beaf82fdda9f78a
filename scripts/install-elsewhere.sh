#!/usr/bin/env bash
# Proves that an adopter can install the Desktop Mania packages into their own
# Backstage app, from the packages as they would be published:
#
#   1. build and pack: `tsc` emits dist-types, `backstage-cli package build`
#      builds each publishable package in plugins/, `npm pack` packs it (its
#      prepack/postpack put package.json back; the tree is checked after);
#   2. create app: a fresh app from @backstage/create-app (the Backstage
#      release in backstage.json) in a temporary folder, turned into an npm
#      workspaces project;
#   3. npm install: the app's dependencies and the tarballs, in one install;
#   4. wire: the backend.add lines, the app-config, the frontend features;
#   5. backend: the app's backend starts and answers /api/workspaces/flavors,
#      /api/cluster-health/clusters and the scaffolder actions, and the
#      catalog serves a Workspace entity from a location file;
#   6. frontend: the app's frontend builds with both frontend plugins found.
#
# KEEP_INSTALL_ELSEWHERE=1 keeps the temporary folder (its path is printed).
# INSTALL_ELSEWHERE_FLOAT=1 keeps create-app's ^ ranges, so the app gets the
#   newest Backstage packages the registry has instead of the release's own.
# INSTALL_ELSEWHERE_STRICT=1 fails on problems found in the packed packages
#   (by default they are listed at the end as warnings).
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set -E

ensure_node

# create-app 0.9.x makes Backstage 1.55 apps; the script checks that the
# app's backstage.json matches this repository's.
CREATE_APP_VERSION=0.9.2
ASSETS="$ROOT/scripts/install-elsewhere"
APP_NAME=adopter-portal
ENTITY_NAME=install-check-desktop

RUN_START=$SECONDS
MAIN_PID=$BASHPID
PHASE=""
PHASE_START=$SECONDS
PHASE_LOG=""
TIMINGS=()
WARNINGS=()
REASON=""
WORK=""
BACKEND_PID=""
PACKING=""
DESKTOPS=""

phase() {
  PHASE="$1"
  PHASE_START=$SECONDS
  PHASE_LOG=""
  log "== $PHASE"
}
phase_done() {
  TIMINGS+=("$(printf '%-16s %4ss' "$PHASE" $((SECONDS - PHASE_START)))")
  log "$PHASE took $((SECONDS - PHASE_START))s"
  PHASE=""
}
fail() {
  REASON="$*"
  exit 1
}
on_err() {
  local status="$1" command="$2" line="$3"
  # In a subshell only leave it; the main shell reports.
  [ "$BASHPID" = "$MAIN_PID" ] || exit "$status"
  [ -n "$REASON" ] || REASON="'$command' failed with status $status (line $line)"
  exit "$status"
}
trap 'on_err $? "$BASH_COMMAND" $LINENO' ERR

# logged <name> <dir> <command>...: runs the command in dir with its output
# in a log file of the work folder; the log's tail is shown if the run fails.
logged() {
  local name="$1" dir="$2"
  shift 2
  PHASE_LOG="$WORK/logs/$name.log"
  (cd "$dir" && "$@") >"$PHASE_LOG" 2>&1
}

stop_backend() {
  [ -n "$BACKEND_PID" ] || return 0
  local pid="$BACKEND_PID"
  BACKEND_PID=""
  # The backend runs in its own session: its process group is everything
  # `backstage-cli package start` started.
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  log "the backend did not stop in 15s; killing it"
  kill -KILL -- "-$pid" 2>/dev/null || true
  sleep 0.5
}

# If npm pack was interrupted between a package's prepack and postpack, run
# that package's postpack so its package.json is the repository's again.
unpack_leftovers() {
  [ -n "$PACKING" ] || return 0
  local backup
  for backup in "$ROOT"/plugins/*/package.json-prepack; do
    [ -e "$backup" ] || continue
    log "restoring $(dirname "${backup#"$ROOT"/}")/package.json after an interrupted pack"
    (cd "$(dirname "$backup")" && backstage-cli package postpack) || true
  done
}

cleanup() {
  local status=$?
  trap - ERR
  set +e
  stop_backend
  unpack_leftovers
  [ -z "$PHASE" ] || TIMINGS+=("$(printf '%-16s %4ss (failed)' "$PHASE" $((SECONDS - PHASE_START)))")
  if [ "$status" != 0 ] && [ -n "$PHASE_LOG" ] && [ -s "$PHASE_LOG" ]; then
    log "last lines of $PHASE_LOG:"
    tail -n 40 "$PHASE_LOG" >&2
  fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "${KEEP_INSTALL_ELSEWHERE:-}" = 1 ]; then
      log "kept the adopter's app in $WORK/app (logs in $WORK/logs${DESKTOPS:+, desktops in $DESKTOPS})"
    else
      rm -rf "$WORK"
      # A folder made under /var/lib for the desktops (see desktops_dir) goes too.
      case "$DESKTOPS" in
        /var/lib/desktop-mania/*) rm -rf "$(dirname "$DESKTOPS")" ;;
      esac
    fi
  fi
  if [ ${#TIMINGS[@]} -gt 0 ]; then
    log "durations:"
    printf '  %s\n' "${TIMINGS[@]}" >&2
  fi
  log "total $((SECONDS - RUN_START))s"
  if [ ${#WARNINGS[@]} -gt 0 ]; then
    log "warnings:"
    printf '  %s\n' "${WARNINGS[@]}" >&2
  fi
  if [ "$status" = 0 ]; then
    log "install-elsewhere: PASSED"
  else
    [ -n "$REASON" ] || REASON="exited with status $status"
    printf 'install-elsewhere: FAILED%s: %s\n' "${PHASE:+ in $PHASE}" "$REASON" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'REASON="interrupted"; exit 130' INT TERM

WORK="$(mktemp -d)"
mkdir -p "$WORK/logs" "$WORK/tarballs" "$WORK/bin" "$WORK/catalog"
APP="$WORK/app"

# ---------------------------------------------------------------------------
phase "build and pack"

PLUGINS=()
for dir in "$ROOT"/plugins/*/; do
  dir="${dir%/}"
  if [ "$(node -p "Boolean(require('$dir/package.json').private)")" = true ]; then
    log "skipping ${dir#"$ROOT"/}: private"
    continue
  fi
  PLUGINS+=("$dir")
done
[ ${#PLUGINS[@]} -gt 0 ] || fail "no publishable package in plugins/"
log "${#PLUGINS[@]} publishable packages"

log "tsc (declarations into dist-types)"
logged tsc "$ROOT" tsc || fail "tsc failed"

log "backstage-cli package build in each package"
build_one() {
  local dir="$1" name
  name="$(basename "$dir")"
  (cd "$dir" && backstage-cli package build) >"$WORK/logs/build-$name.log" 2>&1 ||
    { touch "$WORK/logs/build-$name.failed"; return 1; }
}
export -f build_one
export WORK
# shellcheck disable=SC2016 # $1 is for the inner bash
printf '%s\n' "${PLUGINS[@]}" | xargs -P "$(nproc)" -I{} bash -c 'build_one "$1"' _ {} || true
for dir in "${PLUGINS[@]}"; do
  name="$(basename "$dir")"
  if [ -e "$WORK/logs/build-$name.failed" ]; then
    PHASE_LOG="$WORK/logs/build-$name.log"
    fail "backstage-cli package build failed in plugins/$name"
  fi
done

# What each role's build must leave in dist/ (see @backstage/cli-node's
# PackageRoles: web-library and frontend-plugin are ESM only, common-library
# is both, node-library and the backend roles are CommonJS only).
for dir in "${PLUGINS[@]}"; do
  role="$(node -p "require('$dir/package.json').backstage?.role ?? ''")"
  case "$role" in
    common-library) want=(index.cjs.js index.esm.js index.d.ts) ;;
    web-library | frontend-plugin | frontend-plugin-module) want=(index.esm.js index.d.ts) ;;
    node-library | backend-plugin | backend-plugin-module) want=(index.cjs.js index.d.ts) ;;
    *) fail "plugins/$(basename "$dir") has the role '$role', which this check does not know" ;;
  esac
  for file in "${want[@]}"; do
    [ -f "$dir/dist/$file" ] || fail "plugins/$(basename "$dir") ($role) built no dist/$file"
  done
done

log "npm pack"
pack_paths=()
for dir in "${PLUGINS[@]}"; do
  pack_paths+=("$dir/package.json" "$dir/package.json-prepack" "$dir/config.schema.json")
  [ ! -e "$dir/package.json-prepack" ] ||
    fail "plugins/$(basename "$dir")/package.json-prepack exists: another pack is running or was interrupted"
done
tree_state() {
  git -C "$ROOT" status --porcelain --untracked-files=all -- "${pack_paths[@]}"
  sha256sum "${PLUGINS[@]/%//package.json}"
}
before="$(tree_state)"
workspace_args=()
for dir in "${PLUGINS[@]}"; do workspace_args+=(--workspace "$dir"); done
PACKING=1
logged pack "$ROOT" npm pack "${workspace_args[@]}" --pack-destination "$WORK/tarballs" ||
  fail "npm pack failed"
PACKING=""
after="$(tree_state)"
if [ "$before" != "$after" ]; then
  diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") >&2 || true
  fail "plugins/*/package.json or prepack files differ after npm pack (see the diff above): postpack did not restore them, or someone edited them meanwhile"
fi
TARBALLS=("$WORK"/tarballs/*.tgz)
[ ${#TARBALLS[@]} = ${#PLUGINS[@]} ] ||
  fail "npm pack made ${#TARBALLS[@]} tarballs for ${#PLUGINS[@]} packages"
log "packed ${#TARBALLS[@]} tarballs; package.json files are as before"

node "$ASSETS/check-tarballs.cjs" "${TARBALLS[@]}" >"$WORK/problems.txt" ||
  fail "could not read the tarballs"
mapfile -t problems <"$WORK/problems.txt"
for problem in "${problems[@]}"; do
  log "packaging problem: $problem"
  WARNINGS+=("packaging problem: $problem")
done
if [ ${#problems[@]} -gt 0 ] && [ "${INSTALL_ELSEWHERE_STRICT:-}" = 1 ]; then
  fail "${#problems[@]} packaging problem(s) in the tarballs, first: ${problems[0]}"
fi
phase_done

# ---------------------------------------------------------------------------
phase "create app"

# create-app refuses to start unless `yarn -v` answers, although with
# --skip-install it never runs Yarn. This machine has no working Yarn, so a
# stand-in answers the version question and nothing else.
cat >"$WORK/bin/yarn" <<'EOF'
#!/bin/sh
if [ "$1" = -v ] || [ "$1" = --version ]; then echo 4.13.0; exit 0; fi
echo "yarn is not used by this app; use npm" >&2
exit 1
EOF
chmod +x "$WORK/bin/yarn"

log "npx @backstage/create-app@$CREATE_APP_VERSION"
BACKSTAGE_APP_NAME="$APP_NAME" PATH="$WORK/bin:$PATH" \
  logged create-app "$WORK" npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --path "$APP" --skip-install </dev/null ||
  fail "@backstage/create-app@$CREATE_APP_VERSION failed"
[ -f "$APP/packages/backend/src/index.ts" ] || fail "create-app made no app in $APP"
want_release="$(node -p "require('$ROOT/backstage.json').version")"
got_release="$(node -p "require('$APP/backstage.json').version")"
[ "$want_release" = "$got_release" ] ||
  fail "create-app@$CREATE_APP_VERSION makes Backstage $got_release apps, this repository uses $want_release"
log "a Backstage $got_release app in $APP"

pin_args=(--pin)
if [ "${INSTALL_ELSEWHERE_FLOAT:-}" = 1 ]; then
  pin_args=()
  log "INSTALL_ELSEWHERE_FLOAT=1: the app takes the newest Backstage packages its ^ ranges allow"
fi
node "$ASSETS/convert-to-npm.cjs" "${pin_args[@]}" "$APP" "${TARBALLS[@]}"
phase_done

# ---------------------------------------------------------------------------
phase "npm install"
# --prefer-offline: what ~/.npm already holds is used without asking the
# registry again, which makes a rerun minutes faster.
logged npm-install "$APP" npm install --no-audit --no-fund --prefer-offline ||
  fail "npm install in the app failed"
# Each suite package must come from its tarball, never from a registry.
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const lock = require(process.argv[1] + "/package-lock.json");
  const bad = Object.entries(lock.packages)
    .filter(([p, v]) => /node_modules\/@desktop-mania\//.test(p) && !/^file:/.test(v.resolved ?? ""))
    .map(([p, v]) => `${p} (${v.resolved ?? "no resolved"})`);
  if (bad.length) { console.error(bad.join("\n")); process.exit(1); }
' "$APP" || fail "some @desktop-mania package in the app does not come from a tarball"
# A suite package with its own copy of a Backstage or React package means
# its version ranges do not meet the app's.
while IFS= read -r nested; do
  [ -n "$nested" ] || continue
  owner="${nested#"$APP"/node_modules/}"
  owner="${owner%%/node_modules/*}"
  dep="${nested##*/node_modules/}"
  version="$(node -p "require('$nested/package.json').version")"
  app_version="$(node -p "try { require('$APP/node_modules/$dep/package.json').version } catch { 'none' }")"
  WARNINGS+=("$owner gets its own $dep@$version (the app has $app_version)")
  log "duplicate: $owner gets its own $dep@$version (the app has $app_version)"
done < <(find "$APP"/node_modules/@desktop-mania/*/node_modules -mindepth 1 -maxdepth 2 \
  \( -path '*/node_modules/@backstage/*' -o -name react -o -name react-dom -o -name react-router -o -name react-router-dom \) \
  -prune -print 2>/dev/null | sort)
phase_done

# ---------------------------------------------------------------------------
phase "wire"
node "$ASSETS/wire-suite.cjs" "$APP"

PORT="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
BASE="http://localhost:$PORT"
# The local provider wants desktop users to reach their homes, which a
# mktemp folder does not allow when the backend runs as root.
DESKTOPS="$(desktops_dir "$WORK/desktops")"

cat >"$WORK/catalog/workspace.yaml" <<EOF
# A desktop as the catalog knows it; valid for Workspace.v1alpha1.schema.json.
apiVersion: desktopmania.io/v1alpha1
kind: Workspace
metadata:
  name: $ENTITY_NAME
  description: Registered by scripts/install-elsewhere.sh
spec:
  type: linux
  owner: group:default/guests
  flavor: debian-desktop
  size: small
  cluster: local
  diskGi: 40
EOF

# On top of create-app's app-config.yaml: what the suite reads (each key is
# in the config.d.ts of the package that reads it), an in-memory database, a
# free port, and a static token for the checks below.
cat >"$APP/app-config.desktop-mania.yaml" <<EOF
backend:
  baseUrl: $BASE
  listen:
    port: $PORT
  database:
    client: better-sqlite3
    connection: ':memory:'
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: install-elsewhere-check
        accessRestrictions:
          - plugin: workspaces
          - plugin: catalog
          - plugin: scaffolder
          - plugin: cluster-health

catalog:
  rules:
    - allow: [Component, System, API, Resource, Location, Workspace]
  # The catalog takes file locations from config only (the API accepts url).
  locations:
    - type: file
      target: $WORK/catalog/workspace.yaml
      rules:
        - allow: [Workspace]

workspaces:
  defaultCluster: local
  images:
    - name: debian-desktop
      title: Debian desktop
      os: linux
  sizes:
    - name: small
      title: Small (1 vCPU, 4 GiB)
      cpu: 1
      memory: 4Gi
      geometry: 1280x800
    - name: medium
      title: Medium (2 vCPU, 8 GiB)
      cpu: 2
      memory: 8Gi
      geometry: 1600x900
  local:
    dataDir: $DESKTOPS

clusterHealth:
  clusters:
    - name: local
      title: This machine
      prometheus:
        url: http://127.0.0.1:9
EOF
CONFIG_ARGS=(--config ../../app-config.yaml --config ../../app-config.desktop-mania.yaml)
phase_done

# ---------------------------------------------------------------------------
phase "backend"
PHASE_LOG="$WORK/logs/backend.log"
# A session of its own, so stop_backend ends every process it starts.
(cd "$APP/packages/backend" &&
  exec setsid "$APP/node_modules/.bin/backstage-cli" package start "${CONFIG_ARGS[@]}" \
    >"$PHASE_LOG" 2>&1 </dev/null) &
BACKEND_PID=$!
sleep 1
[ "$(ps -o pgid= -p "$BACKEND_PID" | tr -d ' ')" = "$BACKEND_PID" ] ||
  fail "the backend did not get a process group of its own"

api() { # api <path> <output file>: prints the HTTP status
  curl -s -o "$2" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE$1" || true
}

ready=""
for _ in $(seq 1 240); do
  kill -0 "$BACKEND_PID" 2>/dev/null || fail "the backend exited while starting"
  if [ "$(api /.backstage/health/v1/readiness "$WORK/readiness.json")" = 200 ]; then
    ready=1
    break
  fi
  grep -q 'Backend startup failed' "$PHASE_LOG" && fail "the backend failed to start: $(grep -m1 -o "Plugin '[^']*' startup failed[^\"]*" "$PHASE_LOG" || echo 'see its log')"
  sleep 1
done
[ -n "$ready" ] || fail "the backend was not ready within 240s"
log "backend ready on port $PORT after $((SECONDS - PHASE_START))s"

status="$(api /api/workspaces/flavors "$WORK/flavors.json")"
[ "$status" = 200 ] || fail "GET /api/workspaces/flavors answered $status: $(head -c 300 "$WORK/flavors.json")"
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const f = require(process.argv[1]);
  const sizes = (f.sizes ?? []).map(s => s.name).join(",");
  const clusters = (f.clusters ?? []).map(c => c.name).join(",");
  if (sizes !== "small,medium") { console.error(`sizes are [${sizes}], not [small,medium]`); process.exit(1); }
  if (clusters !== "local") { console.error(`clusters are [${clusters}], not [local]: no provider registered`); process.exit(1); }
' "$WORK/flavors.json" 2>"$WORK/check.err" || fail "GET /api/workspaces/flavors: $(cat "$WORK/check.err")"
log "GET /api/workspaces/flavors: 200 with sizes small and medium on cluster local"

status="$(api /api/cluster-health/clusters "$WORK/clusters.json")"
[ "$status" = 200 ] || fail "GET /api/cluster-health/clusters answered $status: $(head -c 300 "$WORK/clusters.json")"
node -e 'const c = require(process.argv[1]); process.exit(c.some(x => x.name === "local") ? 0 : 1)' "$WORK/clusters.json" ||
  fail "GET /api/cluster-health/clusters does not list the configured cluster: $(head -c 300 "$WORK/clusters.json")"
log "GET /api/cluster-health/clusters: 200 with cluster local"

status="$(api /api/scaffolder/v2/actions "$WORK/actions.json")"
[ "$status" = 200 ] || fail "GET /api/scaffolder/v2/actions answered $status"
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const ids = require(process.argv[1]).map(a => a.id);
  const missing = ["workspace:create", "workspace:wait"].filter(id => !ids.includes(id));
  if (missing.length) { console.error(missing.join(", ")); process.exit(1); }
' "$WORK/actions.json" 2>"$WORK/check.err" || fail "the scaffolder lacks the actions $(cat "$WORK/check.err")"
log "the scaffolder has workspace:create and workspace:wait"

entity=""
for _ in $(seq 1 90); do
  if [ "$(api "/api/catalog/entities/by-name/workspace/default/$ENTITY_NAME" "$WORK/entity.json")" = 200 ]; then
    entity=1
    break
  fi
  kill -0 "$BACKEND_PID" 2>/dev/null || fail "the backend exited while the catalog processed the location"
  sleep 1
done
[ -n "$entity" ] || fail "the catalog did not serve workspace:default/$ENTITY_NAME within 90s"
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const e = require(process.argv[1]);
  const rel = (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`);
  const want = ["ownedBy group:default/guests", "dependsOn resource:default/local"];
  const missing = want.filter(r => !rel.includes(r));
  if (e.kind !== "Workspace" || missing.length) {
    console.error(`kind ${e.kind}, relations [${rel.join(", ")}] lack [${missing.join(", ")}]`);
    process.exit(1);
  }
' "$WORK/entity.json" 2>"$WORK/check.err" ||
  fail "workspace:default/$ENTITY_NAME is not as the suite's processor makes it: $(cat "$WORK/check.err")"
log "GET /api/catalog/entities/by-name/workspace/default/$ENTITY_NAME: 200, with the processor's relations"

stop_backend
phase_done

# ---------------------------------------------------------------------------
phase "frontend build"
logged frontend-build "$APP/packages/app" "$APP/node_modules/.bin/backstage-cli" package build "${CONFIG_ARGS[@]}" ||
  fail "backstage-cli package build failed in the app's packages/app"
[ -f "$APP/packages/app/dist/index.html" ] || fail "the frontend build made no dist/index.html"
discovered="$APP/packages/app/node_modules/__backstage-autodetected-plugins__.js"
for name in @desktop-mania/plugin-workspaces @desktop-mania/plugin-cluster-health; do
  grep -q "require('$name')" "$discovered" ||
    fail "app.packages: all did not discover $name"
done
log "frontend built; discovery found @desktop-mania/plugin-workspaces and -cluster-health"
phase_done
