#!/usr/bin/env bash
# Shared by install-server.sh and install-agent.sh. Every step checks before
# it acts, so running a script again changes nothing unless its input did.

RKE2_CONFIG_DIR="${RKE2_CONFIG_DIR:-/etc/rancher/rke2}"
RKE2_VERSION="${RKE2_VERSION:-v1.33.5+rke2r1}"

die() {
  echo "$*" >&2
  exit 1
}

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

# Writes the node's config.yaml when it differs; says whether it changed.
write_config() {
  local template="$1" target="$RKE2_CONFIG_DIR/config.yaml" tmp
  install -d -m 0700 "$RKE2_CONFIG_DIR"
  tmp="$(mktemp "$RKE2_CONFIG_DIR/.config.yaml.XXXXXX")"
  render_template "$template" >"$tmp"
  chmod 0600 "$tmp"
  if cmp -s "$tmp" "$target"; then
    rm -f "$tmp"
    return 1
  fi
  mv "$tmp" "$target"
  echo "wrote $target"
  return 0
}

# Runs the official installer only when RKE2 is missing, pinned to RKE2_VERSION.
install_rke2() {
  local type="$1"
  if [ -x /usr/local/bin/rke2 ] || [ -x /usr/bin/rke2 ] || [ -x /opt/rke2/bin/rke2 ]; then
    return 1
  fi
  command -v curl >/dev/null || die "curl is needed to fetch the RKE2 installer"
  echo "installing RKE2 $RKE2_VERSION ($type)"
  curl -sfL https://get.rke2.io | INSTALL_RKE2_VERSION="$RKE2_VERSION" INSTALL_RKE2_TYPE="$type" sh -
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
  echo "$service is $(systemctl is-active "$service")"
}
