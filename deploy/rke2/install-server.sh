#!/usr/bin/env bash
# Installs, upgrades and starts an RKE2 server. Idempotent: run it again
# after changing a variable, a template, registries.yaml or RKE2_VERSION
# (deploy/versions.yaml, or the environment), and it upgrades RKE2 or
# restarts it only when one of them changed.
#
#   sudo RKE2_TOKEN=... RKE2_VIP=192.168.10.10 RKE2_VIP_DNS=k8s.example.com ./install-server.sh first
#   sudo RKE2_TOKEN=... RKE2_VIP=192.168.10.10 RKE2_VIP_DNS=k8s.example.com ./install-server.sh join
#
# With a kube-vip.yaml beside this script (kubectl kustomize
# deploy/overlays/<env>/kube-vip > deploy/rke2/kube-vip.yaml), the first
# server deploys it as soon as its API server is up, so the VIP exists before
# the other servers join. Only this manifests folder applies kube-vip: the
# overlays do not hold it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
. "$here/common.sh"

role="${1:-}"
case "$role" in
  first) template="$here/config-server-first.yaml" ;;
  join) template="$here/config-server-join.yaml" ;;
  *) die "usage: install-server.sh first|join" ;;
esac
: "${RKE2_TOKEN:?set RKE2_TOKEN to the shared cluster secret (openssl rand -hex 32)}"
: "${RKE2_VIP:?set RKE2_VIP to the control-plane virtual IP}"
RKE2_VIP_DNS="${RKE2_VIP_DNS:-$RKE2_VIP}"
require_root

changed=0
write_config "$template" && changed=1
write_registries && changed=1
install_rke2 server && changed=1

# RKE2 applies whatever is in this folder, and keeps it applied. Every
# server gets the same files, so losing the first one loses nothing.
manifests=/var/lib/rancher/rke2/server/manifests
install -d -m 0755 "$manifests"
for manifest in traefik-config.yaml kube-vip.yaml; do
  [ -f "$here/$manifest" ] || continue
  if ! cmp -s "$here/$manifest" "$manifests/desktop-mania-$manifest"; then
    install -m 0600 "$here/$manifest" "$manifests/desktop-mania-$manifest"
    echo "placed $manifest in $manifests"
  fi
done
[ -f "$here/kube-vip.yaml" ] || echo "no kube-vip.yaml beside this script: the VIP will not come up (docs/cluster-guide.md, step 2)" >&2

start_service rke2-server.service "$changed"
echo "kubectl: /var/lib/rancher/rke2/bin/kubectl --kubeconfig /etc/rancher/rke2/rke2.yaml get nodes"
