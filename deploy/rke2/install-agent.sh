#!/usr/bin/env bash
# Installs, upgrades and starts an RKE2 agent: a worker that runs desktops.
# Idempotent; with a new RKE2_VERSION (deploy/versions.yaml, or the
# environment) it upgrades the node and restarts the agent.
#
#   sudo RKE2_TOKEN=... RKE2_VIP=192.168.10.10 ./install-agent.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
. "$here/common.sh"

: "${RKE2_TOKEN:?set RKE2_TOKEN to the shared cluster secret}"
: "${RKE2_VIP:?set RKE2_VIP to the control-plane virtual IP}"
require_root

# Desktops are KVM guests: a worker without it would take VMs it cannot run.
[ -c /dev/kvm ] || die "This machine has no /dev/kvm: enable virtualisation in the firmware (or nested virtualisation) first."
for tool in iscsiadm mount.nfs; do
  command -v "$tool" >/dev/null || die "$tool is missing: Longhorn needs open-iscsi and the NFS client (nfs-common or nfs-utils)."
done

changed=0
write_config "$here/config-agent.yaml" && changed=1
write_registries && changed=1
install_rke2 agent && changed=1
start_service rke2-agent.service "$changed"
