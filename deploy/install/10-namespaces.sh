# shellcheck shell=bash
# Phase "namespaces": every Namespace the overlay declares, before anything
# is created in one. "monitoring" must be among them: the secrets phase puts
# Grafana's admin Secret there before kube-prometheus-stack exists.

phase_namespaces() {
  local file="$WORK/namespaces.yaml" names
  select_docs "$RENDERED" '^/Namespace$' >"$file"
  grep -q '^  name: monitoring$' "$file" || die "the overlay declares no namespace monitoring (deploy/base/namespaces.yaml), which Grafana's admin Secret needs"
  kube apply -f "$file"
  # The check: the API server lists every one of them now.
  names="$(kubectl get -f "$file" -o name)" || die "namespaces missing after apply: $(doc_names "$file" | paste -sd' ' -)"
  say "namespaces: $(printf '%s\n' "$names" | sed 's|^namespace/||' | paste -sd, - | sed 's/,/, /g') exist"
}
