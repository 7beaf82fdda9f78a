#!/usr/bin/env bash
# Installs and starts an RKE2 agent (a worker that runs desktops).
# Idempotent. Usage: RKE2_TOKEN=... RKE2_VIP=192.168.10.10 ./install-agent.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${RKE2_TOKEN:?set RKE2_TOKEN to the shared secret of the cluster}"
: "${RKE2_VIP:?set RKE2_VIP to the control-plane virtual IP}"
: "${RKE2_VERSION:=v1.33.5+rke2r1}"

if [ ! -e /dev/kvm ]; then
  echo "This machine has no /dev/kvm: desktops need hardware virtualisation" >&2
  exit 1
fi

install -d -m 0700 /etc/rancher/rke2
export RKE2_TOKEN RKE2_VIP
envsubst < "$here/config-agent.yaml" > /etc/rancher/rke2/config.yaml.new
changed=0
if ! cmp -s /etc/rancher/rke2/config.yaml.new /etc/rancher/rke2/config.yaml; then
  mv /etc/rancher/rke2/config.yaml.new /etc/rancher/rke2/config.yaml
  chmod 0600 /etc/rancher/rke2/config.yaml
  changed=1
else
  rm /etc/rancher/rke2/config.yaml.new
fi

if ! command -v rke2 >/dev/null 2>&1; then
  curl -sfL https://get.rke2.io | INSTALL_RKE2_VERSION="$RKE2_VERSION" INSTALL_RKE2_TYPE=agent sh -
  changed=1
fi

systemctl enable rke2-agent.service
if [ "$changed" = 1 ] || ! systemctl is-active --quiet rke2-agent.service; then
  systemctl restart rke2-agent.service
fi
echo "rke2-agent is $(systemctl is-active rke2-agent.service)"
