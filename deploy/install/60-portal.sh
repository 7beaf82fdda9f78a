# shellcheck shell=bash
# Phase "portal": the whole overlay (everything before it is in it too, and
# applying it again changes nothing), then the portal's rollout and the
# address Traefik answers on.

phase_portal() {
  local host ip="" deadline
  kube apply -k "$OVERLAY_DIR"
  wait_rollout desktop-mania deployment/backstage

  # MetalLB gives RKE2's Traefik its address (deploy/rke2/traefik-config.yaml
  # makes the service a LoadBalancer).
  deadline=$((SECONDS + WAIT_TIMEOUT))
  until [ -n "$ip" ]; do
    ip="$(kubectl -n kube-system get service rke2-traefik -o jsonpath='{.status.loadBalancer.ingress[0].ip}' 2>/dev/null || true)"
    [ -n "$ip" ] && break
    [ "$SECONDS" -lt "$deadline" ] || die "Service kube-system/rke2-traefik has no external address: is deploy/rke2/traefik-config.yaml in the first server's manifests folder, and does the MetalLB pool fit the network?"
    sleep "$POLL_INTERVAL"
  done
  # The first Host(`...`) rule of the overlay's routes; backticks are literal.
  # shellcheck disable=SC2016
  host="$(grep -o 'Host(`[^`]*`)' "$RENDERED" | head -n 1 | sed 's/^Host(`//; s/`)$//')"
  [ -n "$host" ] || host="$ip"
  say "portal: $(count_docs "$RENDERED") objects of $OVERLAY_NAME applied, backstage rolled out; point $host at $ip and open https://$host"
}
