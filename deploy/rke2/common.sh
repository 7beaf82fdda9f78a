#!/usr/bin/env bash
# Shared by install-server.sh and install-agent.sh. Every step checks before
# it acts, so running a script again changes nothing unless its input did:
# a new template value, a new registries.yaml, or a new RKE2_VERSION, which
# is how a node is upgraded (docs/cluster-guide.md, "Upgrades").

# The sourcing script sets "here" to its own folder.
: "${here:?set here to the folder of the sourcing script}"
RKE2_CONFIG_DIR="${RKE2_CONFIG_DIR:-/etc/rancher/rke2}"
RKE2_INSTALL_URL="${RKE2_INSTALL_URL:-https://get.rke2.io}"

die() {
  echo "$*" >&2
  exit 1
}

# The pinned versions live in deploy/versions.yaml, which
# deploy/install/versions.env reads: copy all of deploy/ to the node.
if [ -f "$here/../install/versions.env" ]; then
  # shellcheck source=../install/versions.env
  . "$here/../install/versions.env" || die "cannot read the pinned versions (deploy/versions.yaml)"
fi
[ -n "${RKE2_VERSION:-}" ] || die "RKE2_VERSION is not set and $here/../install/versions.env is missing: copy all of deploy/ to the node"

require_root() {
  [ "$(id -u)" = 0 ] || die "Run this as root (sudo -E $0 ...), so it can write $RKE2_CONFIG_DIR and manage systemd."
}

# Fills the ${NAME} placeholders of a template from the variables of the same
# name. Plain bash, so values with / or & survive and no envsubst is needed.
render_template() {
  local template="$1" content name placeholder
  content="$(cat "$template")"
  for name in RKE2_TOKEN RKE2_VIP RKE2_VIP_DNS; do
    placeholder="\${$name}"
    [[ "$content" == *"$placeholder"* ]] || continue
    [ -n "${!name:-}" ] || die "$template needs $name"
    content="${content//"$placeholder"/"${!name}"}"
  done
  printf '%s\n' "$content"
}

# Installs FILE as TARGET (mode 0600) when it differs; says whether it changed.
place_file() {
  local source="$1" target="$2" tmp
  install -d -m 0700 "$(dirname "$target")"
  tmp="$(mktemp "$(dirname "$target")/.$(basename "$target").XXXXXX")"
  cat "$source" >"$tmp"
  chmod 0600 "$tmp"
  if cmp -s "$tmp" "$target"; then
    rm -f "$tmp"
    return 1
  fi
  mv "$tmp" "$target"
  echo "wrote $target"
  return 0
}

# Writes the node's config.yaml when it differs; says whether it changed.
# Rendered in this shell (not a subshell), so a missing value stops the script.
write_config() {
  local rendered changed=0
  install -d -m 0700 "$RKE2_CONFIG_DIR"
  rendered="$(mktemp "$RKE2_CONFIG_DIR/.rendered.XXXXXX")"
  render_template "$1" >"$rendered"
  place_file "$rendered" "$RKE2_CONFIG_DIR/config.yaml" && changed=1
  rm -f "$rendered"
  [ "$changed" = 1 ]
}

# A private registry or mirror: RKE2 reads /etc/rancher/rke2/registries.yaml
# when it starts and configures containerd from it, on every node that pulls
# (rancher/rke2-docs docs/install/private_registry.md). The file to place is
# registries.yaml beside this script (start from registries.yaml.example),
# or RKE2_REGISTRIES; without one, whatever is there stays.
write_registries() {
  local source="${RKE2_REGISTRIES:-$here/registries.yaml}"
  [ -f "$source" ] || return 1
  place_file "$source" "$RKE2_CONFIG_DIR/registries.yaml"
}

rke2_binary() {
  local candidate
  for candidate in "${RKE2_BIN:-}" /usr/local/bin/rke2 /usr/bin/rke2 /opt/rke2/bin/rke2; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

# The installed version, as `rke2 --version` prints it on its first line
# ("rke2 version v1.35.7+rke2r1 (commit)": rancher/rke2 pkg/cli/cmds/root.go);
# empty when RKE2 is not installed.
installed_version() {
  local bin
  bin="$(rke2_binary)" || return 0
  "$bin" --version | awk 'NR == 1 && $2 == "version" { print $3 }'
}

minor_of() { echo "$1" | sed -E 's/^v?[0-9]+\.([0-9]+)\..*/\1/'; }

# Installs RKE2_VERSION with the official installer when RKE2 is missing or
# runs another version; says whether it did (then the service restarts).
# RKE2's upgrade is exactly that: the installer with the new version, then a
# restart of the service (rancher/rke2-docs docs/upgrades/manual.md). It
# refuses what Kubernetes' version skew policy forbids and RKE2 does not
# support: skipping a minor version, and going back.
install_rke2() {
  local type="$1" current newest
  current="$(installed_version)"
  [ "$current" != "$RKE2_VERSION" ] || return 1
  if [ -n "$current" ]; then
    newest="$(printf '%s\n%s\n' "$current" "$RKE2_VERSION" | sort -V | tail -n 1)"
    [ "$newest" = "$RKE2_VERSION" ] ||
      die "RKE2 $current runs here, newer than $RKE2_VERSION: RKE2 does not support a downgrade (restore an etcd snapshot instead, docs/operations.md)"
    [ $(($(minor_of "$RKE2_VERSION") - $(minor_of "$current"))) -le 1 ] ||
      die "RKE2 $current runs here; upgrade one minor version at a time (to the newest v1.$(($(minor_of "$current") + 1)).x first), not straight to $RKE2_VERSION"
    echo "upgrading RKE2 $current to $RKE2_VERSION ($type)"
  else
    echo "installing RKE2 $RKE2_VERSION ($type)"
  fi
  command -v curl >/dev/null || die "curl is needed to fetch the RKE2 installer"
  # INSTALL_RKE2_ARTIFACT_PATH, if exported, makes the installer use local
  # release files instead of downloading them (air-gapped nodes).
  curl -sfL "$RKE2_INSTALL_URL" | INSTALL_RKE2_VERSION="$RKE2_VERSION" INSTALL_RKE2_TYPE="$type" sh -
  return 0
}

# Enables the service and restarts it only when something changed or it is down.
start_service() {
  local service="$1" changed="$2"
  systemctl enable "$service" >/dev/null
  if [ "$changed" = 1 ] || ! systemctl is-active --quiet "$service"; then
    echo "(re)starting $service; the first start takes a few minutes"
    systemctl restart "$service"
  fi
  echo "$service is $(systemctl is-active "$service") (RKE2 $(installed_version))"
}
