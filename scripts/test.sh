#!/usr/bin/env bash
# Runs every check: type-check, lint, unit and integration tests (SQLite and
# PostgreSQL), then the browser tests against a running portal.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_node
ensure_debs "${DESKTOP_DEBS[@]}" "${TEST_DEBS[@]}"
ensure_kubectl
ensure_npm_deps
ensure_postgres

cd "$ROOT"
export CI=true

step() { log "$1"; SECONDS=0; }
done_step() { log "$1 took ${SECONDS}s"; }

# Each check names the command that fixes what it finds.
fail_with() {
  log "$1"
  exit 1
}

step "formatting"
prettier --check . >/dev/null 2>&1 || {
  prettier --list-different . || true
  fail_with "the files above are not formatted: run 'npx prettier --write .'"
}
done_step "formatting"

step "package metadata"
backstage-cli repo fix --publish --check ||
  fail_with "package metadata is out of date: run 'npx backstage-cli repo fix --publish'"
done_step "package metadata"

step "type-check"
# Emits declarations to dist-types, which the API reports read.
tsc -p tsconfig.json
done_step "type-check"

step "API and dependency reports"
backstage-repo-tools api-reports --ci "${API_REPORT_OPTIONS[@]}" plugins/* ||
  fail_with "an API report is out of date: run 'bash scripts/update-reports.sh' and commit the report*.api.md it changes"
backstage-repo-tools knip-reports --ci "${KNIP_REPORT_PACKAGES[@]}" ||
  fail_with "a dependency report is out of date: run 'bash scripts/update-reports.sh' and commit the knip-report.md it changes"
if grep -l '| error' plugins/*/knip-report.md packages/*/knip-report.md; then
  fail_with "the packages above list dependencies their code does not use: remove them from package.json (see their knip-report.md)"
fi
done_step "API and dependency reports"

step "lint"
backstage-cli repo lint
# bench/ and e2e/ belong to no package, so repo lint never reaches them.
eslint --max-warnings 0 --ext .ts,.js,.cjs bench e2e
done_step "lint"

step "unit and integration tests"
backstage-cli repo test --watchAll=false
done_step "tests"

step "frontend build stamp"
bash scripts/appBuild.test.sh
done_step "frontend build stamp"

step "browser tests"
# The same build as the start command's, reused while the frontend is unchanged.
ensure_app_build "$ROOT"
rm -rf .cache/e2e
mkdir -p .cache/e2e
# The e2e portal's desktops (see desktops_dir); the specs read it too.
APP_CONFIG_workspaces_local_dataDir="$(desktops_dir "$ROOT/.cache/e2e/desktops")"
rm -rf "${APP_CONFIG_workspaces_local_dataDir:?}"/*
export APP_CONFIG_workspaces_local_dataDir
# A real Prometheus (node-exporter, the portal's metrics, a backfilled RKE2
# history) for the cluster health page.
node --require @backstage/cli/config/nodeTransform.cjs plugins/cluster-health-backend/dev/start-prometheus.ts \
  .cache/e2e/prometheus-url localhost:7017 e2e-prometheus-scrape-token &
prometheus_pid=$!
cleanup() {
  kill "$prometheus_pid" 2>/dev/null || true
  # A folder made under /var/lib for this checkout's e2e desktops goes too.
  case "$APP_CONFIG_workspaces_local_dataDir" in
    /var/lib/desktop-mania/*) rm -rf "$(dirname "$APP_CONFIG_workspaces_local_dataDir")" ;;
  esac
}
trap cleanup EXIT
# Usually up in 15 s; a loaded machine needs longer to backfill the history.
for _ in $(seq 1 300); do
  [ -s .cache/e2e/prometheus-url ] && break
  kill -0 "$prometheus_pid" 2>/dev/null || break
  sleep 1
done
if [ ! -s .cache/e2e/prometheus-url ]; then
  log "Prometheus for the browser tests did not start (see the messages above)"
  exit 1
fi
E2E_PROMETHEUS_URL="$(cat .cache/e2e/prometheus-url)"
export E2E_PROMETHEUS_URL
playwright test -c e2e/playwright.config.ts
done_step "browser tests"

step "install into a fresh Backstage app"
# Packs every published package and installs the tarballs into an app made by
# @backstage/create-app outside this repository, as an adopter would.
# Packaging problems in the tarballs (a missing dist file, a main that points
# nowhere) fail the run: a fresh-clone run has shown the check green.
INSTALL_ELSEWHERE_STRICT=1 bash "$ROOT/scripts/install-elsewhere.sh"
done_step "install into a fresh Backstage app"
