#!/usr/bin/env bash
# Installs and starts an RKE2 server. Idempotent: run it again to apply a
# changed config. Usage:
#   RKE2_TOKEN=... RKE2_VIP=192.168.10.10 RKE2_VIP_DNS=k8s.example.com ./install-server.sh first|join
set -euo pipefail

role="${1:?usage: install-server.sh first|join}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${RKE2_TOKEN:?set RKE2_TOKEN to the shared secret of the cluster}"
: "${RKE2_VIP:?set RKE2_VIP to the control-plane virtual IP}"
: "${RKE2_VIP_DNS:=${RKE2_VIP}}"
: "${RKE2_VERSION:=v1.33.5+rke2r1}"

case "$role" in
  first) template="$here/config-server-first.yaml" ;;
  join) template="$here/config-server-join.yaml" ;;
  *) echo "role must be first or join, not '$role'" >&2; exit 2 ;;
esac

install -d -m 0700 /etc/rancher/rke2
export RKE2_TOKEN RKE2_VIP RKE2_VIP_DNS
envsubst < "$template" > /etc/rancher/rke2/config.yaml.new
if ! cmp -s /etc/rancher/rke2/config.yaml.new /etc/rancher/rke2/config.yaml; then
  mv /etc/rancher/rke2/config.yaml.new /etc/rancher/rke2/config.yaml
  chmod 0600 /etc/rancher/rke2/config.yaml
  changed=1
else
  rm /etc/rancher/rke2/config.yaml.new
  changed=0
fi

if ! command -v rke2 >/dev/null 2>&1; then
  curl -sfL https://get.rke2.io | INSTALL_RKE2_VERSION="$RKE2_VERSION" INSTALL_RKE2_TYPE=server sh -
  changed=1
fi

if [ "$role" = first ]; then
  install -d /var/lib/rancher/rke2/server/manifests
  cp "$here/traefik-config.yaml" /var/lib/rancher/rke2/server/manifests/rke2-traefik-config.yaml
fi

systemctl enable rke2-server.service
if [ "$changed" = 1 ] || ! systemctl is-active --quiet rke2-server.service; then
  systemctl restart rke2-server.service
fi
echo "rke2-server is $(systemctl is-active rke2-server.service)"
