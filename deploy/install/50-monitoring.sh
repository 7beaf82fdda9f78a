# shellcheck shell=bash
# Phase "monitoring": kube-prometheus-stack as an RKE2 HelmChart
# (deploy/monitoring). After the resources phase because Prometheus keeps its
# data on the longhorn-db class; before the portal because the overlay's
# ServiceMonitors, PodMonitor and PrometheusRules are its CRDs' kinds.

phase_monitoring() {
  kube apply -k "$DEPLOY/monitoring"
  wait_crds servicemonitors.monitoring.coreos.com podmonitors.monitoring.coreos.com prometheusrules.monitoring.coreos.com
  # Grafana starts only with its admin Secret (the secrets phase made it).
  wait_rollout monitoring deployment/kube-prometheus-stack-operator deployment/kube-prometheus-stack-grafana
  say "monitoring: kube-prometheus-stack $KUBE_PROMETHEUS_STACK_VERSION is running; Grafana's admin login is in Secret monitoring/grafana-admin"
}
