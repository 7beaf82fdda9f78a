# shellcheck shell=bash
# Phase "operators": the CRDs and controllers the overlay's objects need, at
# the versions of deploy/versions.yaml, each awaited until it serves
# before the next one that depends on it is applied.
#
# Release manifests go in with server-side apply: CloudNativePG's CRDs are
# too large for the annotation client-side apply keeps (its installation
# guide: cloudnative-pg/cloudnative-pg docs/src/installation_upgrade.md), and
# the same applies to the others as they grow; re-applying a newer manifest
# is how each of them upgrades.

apply_release() {
  apply_retry --server-side --force-conflicts --field-manager=desktop-mania-install -f "$1"
}

install_cert_manager() {
  apply_release "$CERT_MANAGER_MANIFEST"
  wait_crds certificates.cert-manager.io issuers.cert-manager.io clusterissuers.cert-manager.io
  wait_rollout cert-manager deployment/cert-manager deployment/cert-manager-cainjector deployment/cert-manager-webhook
}

install_metallb() {
  apply_release "$METALLB_MANIFEST"
  wait_crds ipaddresspools.metallb.io l2advertisements.metallb.io
  # The controller serves the webhook that checks address pools.
  wait_rollout metallb-system deployment/controller daemonset/speaker
}

# Longhorn through RKE2's Helm controller, like the monitoring stack: the
# chart is how Longhorn documents its settings and upgrades, and the
# HelmChart keeps the release in the cluster instead of on one workstation.
install_longhorn() {
  local file="$WORK/longhorn.yaml"
  cat >"$file" <<YAML
apiVersion: helm.cattle.io/v1
kind: HelmChart
metadata:
  name: longhorn
  namespace: kube-system
spec:
  repo: $LONGHORN_CHART_REPO
  chart: longhorn
  version: $LONGHORN_VERSION
  targetNamespace: longhorn-system
  createNamespace: true
  failurePolicy: abort
  valuesContent: |-
    persistence:
      # The chart's own "longhorn" class stays the default: CDI's scratch
      # space (deploy/base/kubevirt/cdi.yaml) and anything without a class
      # use it. The overlay adds the desktop, VM-state and database classes.
      defaultClass: true
YAML
  apply_retry -f "$file"
  wait_crds volumes.longhorn.io settings.longhorn.io recurringjobs.longhorn.io
  # longhorn-manager serves Longhorn's admission webhook and the CSI driver.
  wait_rollout longhorn-system daemonset/longhorn-manager deployment/longhorn-driver-deployer
}

install_kubevirt() {
  apply_release "$KUBEVIRT_MANIFEST"
  wait_crds kubevirts.kubevirt.io
  wait_rollout kubevirt deployment/virt-operator
}

install_cdi() {
  apply_release "$CDI_MANIFEST"
  wait_crds cdis.cdi.kubevirt.io
  wait_rollout cdi deployment/cdi-operator
}

install_cnpg() {
  apply_release "$CNPG_MANIFEST"
  wait_crds clusters.postgresql.cnpg.io scheduledbackups.postgresql.cnpg.io
  wait_rollout cnpg-system deployment/cnpg-controller-manager
}

# The plugin must run in CloudNativePG's namespace and its manifest brings
# cert-manager Certificates and an Issuer (cloudnative-pg/plugin-barman-cloud
# web/docs/installation.mdx), so both of those come first.
install_barman_cloud_plugin() {
  kubectl get namespace cnpg-system >/dev/null 2>&1 || die "the Barman Cloud plugin needs CloudNativePG's namespace cnpg-system"
  kubectl -n cert-manager get deployment cert-manager-webhook >/dev/null 2>&1 || die "the Barman Cloud plugin needs cert-manager"
  apply_release "$BARMAN_CLOUD_PLUGIN_MANIFEST"
  wait_crds objectstores.barmancloud.cnpg.io
  wait_rollout cnpg-system deployment/barman-cloud
}

phase_operators() {
  progress "cert-manager $CERT_MANAGER_VERSION"
  install_cert_manager
  progress "MetalLB $METALLB_VERSION"
  install_metallb
  progress "Longhorn $LONGHORN_VERSION"
  install_longhorn
  progress "KubeVirt $KUBEVIRT_VERSION"
  install_kubevirt
  progress "CDI $CDI_VERSION"
  install_cdi
  progress "CloudNativePG $CNPG_VERSION"
  install_cnpg
  progress "Barman Cloud plugin $BARMAN_CLOUD_PLUGIN_VERSION"
  install_barman_cloud_plugin
  say "operators: cert-manager $CERT_MANAGER_VERSION, MetalLB $METALLB_VERSION, Longhorn $LONGHORN_VERSION, KubeVirt $KUBEVIRT_VERSION, CDI $CDI_VERSION, CloudNativePG $CNPG_VERSION, Barman Cloud plugin $BARMAN_CLOUD_PLUGIN_VERSION are running"
}
