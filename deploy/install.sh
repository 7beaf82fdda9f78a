#!/usr/bin/env bash
# Installs Desktop Mania on an RKE2 cluster whose nodes are up
# (docs/cluster-guide.md, steps 1 to 6), in the order the guide explains
# from step 7 on:
#
#   namespaces  the overlay's namespaces, and monitoring
#   secrets     generated ones, and the operator's inputs (OIDC client,
#               backup bucket, TLS certificate); existing ones are kept
#   operators   cert-manager, MetalLB, Longhorn, KubeVirt, CDI,
#               CloudNativePG, the Barman Cloud plugin (deploy/versions.yaml)
#   resources   their objects from the overlay: storage classes, address
#               pool, KubeVirt, CDI, image imports, PostgreSQL
#   monitoring  kube-prometheus-stack (deploy/monitoring)
#   portal      the whole overlay, and the portal's rollout
#
#   deploy/install.sh production                 every phase
#   deploy/install.sh lab secrets operators      only these, in the order above
#   deploy/install.sh path/to/my-overlay         another kustomization
#
# Every phase checks its result and prints one line; a failure stops the run
# and shows what kubectl said. Running it again changes nothing that is in
# place: it is also how a pinned version is upgraded. Needs kubectl with a
# kubeconfig for the cluster (cluster-admin), bash 4.4+, awk, base64 and od.
set -euo pipefail

DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PHASES=(namespaces secrets operators resources monitoring portal)

# shellcheck source=install/versions.env
. "$DEPLOY/install/versions.env"
# shellcheck source=install/lib.sh
. "$DEPLOY/install/lib.sh"
# shellcheck source=install/10-namespaces.sh
. "$DEPLOY/install/10-namespaces.sh"
# shellcheck source=install/20-secrets.sh
. "$DEPLOY/install/20-secrets.sh"
# shellcheck source=install/30-operators.sh
. "$DEPLOY/install/30-operators.sh"
# shellcheck source=install/40-resources.sh
. "$DEPLOY/install/40-resources.sh"
# shellcheck source=install/50-monitoring.sh
. "$DEPLOY/install/50-monitoring.sh"
# shellcheck source=install/60-portal.sh
. "$DEPLOY/install/60-portal.sh"

usage() {
  sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

overlay="${1:-}"
case "$overlay" in
  "" | -h | --help) usage ;;
esac
shift
if [ -d "$DEPLOY/overlays/$overlay" ]; then
  OVERLAY_DIR="$DEPLOY/overlays/$overlay"
elif [ -f "$overlay/kustomization.yaml" ]; then
  OVERLAY_DIR="$(cd "$overlay" && pwd)"
else
  die "no overlay $overlay: use lab, production or the folder of a kustomization"
fi
OVERLAY_NAME="$(basename "$OVERLAY_DIR")"

wanted=("$@")
[ "${#wanted[@]}" -gt 0 ] || wanted=("${PHASES[@]}")
for phase in "${wanted[@]}"; do
  [[ " ${PHASES[*]} " == *" $phase "* ]] || die "no phase $phase; the phases are: ${PHASES[*]}"
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
chmod 0700 "$WORK"
INSTALL_LOG="${INSTALL_LOG:-${TMPDIR:-/tmp}/desktop-mania-install-$OVERLAY_NAME.log}"
: >>"$INSTALL_LOG"
chmod 0600 "$INSTALL_LOG"
RENDERED="$WORK/overlay.yaml"

preflight() {
  local tool workers
  for tool in kubectl awk base64 od paste; do
    command -v "$tool" >/dev/null || die "$tool is needed"
  done
  kubectl get --raw /readyz >/dev/null 2>&1 || die "the cluster does not answer: set KUBECONFIG to its kubeconfig (docs/cluster-guide.md, step 3)"
  kubectl get crd helmcharts.helm.cattle.io >/dev/null 2>&1 || die "this cluster has no HelmChart CRD: install.sh expects RKE2 (docs/cluster-guide.md, step 2)"
  workers="$(kubectl get nodes -l desktopmania.io/desktops=true -o name | grep -c . || true)"
  [ "$workers" -gt 0 ] || die "no node is labelled desktopmania.io/desktops=true: add the workers first (deploy/rke2/install-agent.sh, docs/cluster-guide.md, step 5)"
  kubectl kustomize "$OVERLAY_DIR" >"$RENDERED" 2>"$WORK/kustomize.err" || die "kubectl kustomize $OVERLAY_DIR failed: $(cat "$WORK/kustomize.err")"
  # Versions that live in manifests applied as they are must match the pins.
  grep -q "^  version: $KUBE_PROMETHEUS_STACK_VERSION\$" "$DEPLOY/monitoring/kube-prometheus-stack.yaml" ||
    die "deploy/monitoring/kube-prometheus-stack.yaml does not pin kube-prometheus-stack $KUBE_PROMETHEUS_STACK_VERSION as deploy/versions.yaml does"
  say "preflight: the cluster answers, $workers worker(s) take desktops, $OVERLAY_NAME renders $(count_docs "$RENDERED") objects"
}

preflight
for phase in "${PHASES[@]}"; do
  [[ " ${wanted[*]} " == *" $phase "* ]] || continue
  "phase_$phase"
done
