#!/usr/bin/env bash
# Checks when scripts/start.sh and scripts/test.sh rebuild the frontend
# (ensure_app_build in lib.sh), on a copy of this checkout's sources in a
# temporary folder, with a stand-in for `backstage-cli package build` that
# counts its runs. The real packages/app/dist is never read or written.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
copy="$work/checkout"
mkdir -p "$copy" "$work/bin"
inputs=(package.json package-lock.json app-config.yaml packages plugins)
tar -C "$ROOT" --exclude=node_modules --exclude=dist --exclude=dist-types \
  -cf - "${inputs[@]}" | tar -C "$copy" -xf -

# The stand-in empties dist as the real build does, records the APP_CONFIG_*
# variables it was given, and fails when asked to.
cat >"$work/bin/backstage-cli" <<'STUB'
#!/usr/bin/env bash
echo build >>"$BUILD_LOG"
env | grep '^APP_CONFIG_' >>"$BUILD_ENV" || true
rm -rf dist
mkdir dist
[ "${BUILD_FAILS:-0}" = 1 ] && exit 1
echo '<html></html>' >dist/index.html
STUB
chmod +x "$work/bin/backstage-cli"
export PATH="$work/bin:$PATH" BUILD_LOG="$work/builds" BUILD_ENV="$work/env"
: >"$BUILD_LOG"
: >"$BUILD_ENV"

failures=0
builds() { wc -l <"$BUILD_LOG"; }
check() {
  if [ "$2" = "$3" ]; then
    printf 'ok   %s\n' "$1"
  else
    printf 'FAIL %s: expected %s, got %s\n' "$1" "$3" "$2"
    failures=$((failures + 1))
  fi
}
build() { ensure_app_build "$copy" 2>/dev/null; }
edit() { printf '\n// edited by appBuild.test.sh\n' >>"$copy/$1"; }

stamp="$(app_build_hash "$copy")"
check "the stamp is the same for the same sources" "$(app_build_hash "$copy")" "$stamp"
APP_CONFIG_app_title=baked build
check "a first start builds" "$(builds)" 1
check "the build gets no APP_CONFIG_ variables" "$(cat "$BUILD_ENV")" ""
check "the build's stamp is kept in dist" "$(cat "$copy/packages/app/dist/$APP_BUILD_STAMP")" "$stamp"
build
check "unchanged sources are not rebuilt" "$(builds)" 1

edit plugins/workspaces-backend/src/index.ts
check "a backend-only change keeps the stamp" "$(app_build_hash "$copy")" "$stamp"
edit packages/app/src/App.test.tsx
check "a test of the app keeps the stamp" "$(app_build_hash "$copy")" "$stamp"
build
check "neither is rebuilt" "$(builds)" 1

for source in plugins/workspaces/src/index.ts plugins/workspaces-react/src/index.ts \
  plugins/workspaces-common/src/index.ts packages/app/src/App.tsx package-lock.json; do
  before="$(app_build_hash "$copy")"
  edit "$source"
  after="$(app_build_hash "$copy")"
  if [ "$after" != "$before" ]; then changed=yes; else changed=no; fi
  check "a change to $source gives a new stamp" "$changed" yes
done
build
check "a changed frontend is rebuilt" "$(builds)" 2

echo 'export const added = 1;' >"$copy/plugins/cluster-health/src/added.ts"
before="$(builds)"
if BUILD_FAILS=1 build; then status=0; else status=$?; fi
check "a failed build fails the start" "$([ "$status" != 0 ] && echo yes)" yes
check "a failed build leaves no stamp" "$([ -f "$copy/packages/app/dist/$APP_BUILD_STAMP" ] && echo yes || echo no)" no
build
check "the next start builds again" "$(builds)" $((before + 2))

if [ "$failures" != 0 ]; then
  log "$failures frontend build stamp check(s) failed"
  exit 1
fi
