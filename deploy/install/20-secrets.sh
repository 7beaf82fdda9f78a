# shellcheck shell=bash
# Phase "secrets": every Secret the overlay and the monitoring stack read
# (secretKeyRef, existingSecret, s3Credentials, tls.secretName; the tests in
# deploy/src/install check that this list covers them). Values are generated
# where nobody needs to know them, and asked for where they come from outside
# (the identity provider, the object store, the certificate).
#
# A Secret that exists is never replaced and none of its keys is changed: a
# re-run only adds keys that are missing, e.g. AUTH_SESSION_SECRET to a
# backstage-secrets made by an older version of the guide.

SECRETS_DONE=()

# ensure_secret NAMESPACE NAME TYPE KEY=SOURCE...
#   SOURCE is random (32 random bytes, hex), value:TEXT, env:VAR or
#   hidden:VAR (an operator input; hidden is not echoed when asked for).
ensure_secret() {
  local ns="$1" name="$2" type="$3" existing="" spec key source var value file prompt
  local -a missing=()
  shift 3
  if kubectl -n "$ns" get secret "$name" >/dev/null 2>&1; then
    existing="$(kubectl -n "$ns" get secret "$name" -o jsonpath='{.data}')" || die "cannot read the keys of Secret $ns/$name"
    # An existing Secret with no data at all prints nothing.
    [ -n "$existing" ] || existing='{}'
  fi
  for spec; do
    key="${spec%%=*}"
    [[ "$existing" == *"\"$key\":"* ]] || missing+=("$spec")
  done
  if [ -n "$existing" ] && [ "${#missing[@]}" -eq 0 ]; then
    SECRETS_DONE+=("kept $name")
    return
  fi

  file="$WORK/secret-$ns-$name.yaml"
  : >"$file"
  chmod 0600 "$file"
  if [ -z "$existing" ]; then
    printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app.kubernetes.io/part-of: desktop-mania\ntype: %s\ndata:\n' "$name" "$ns" "$type" >"$file"
  else
    printf 'data:\n' >"$file"
  fi
  for spec in "${missing[@]}"; do
    key="${spec%%=*}"
    source="${spec#*=}"
    prompt="key $key of Secret $ns/$name"
    case "$source" in
      random) value="$(random_hex)" ;;
      value:*) value="${source#value:}" ;;
      env:* | hidden:*)
        var="${source#*:}"
        input "$var" "$prompt" "${source%%:*}"
        value="${!var}"
        ;;
      *) die "ensure_secret: unknown source $source" ;;
    esac
    printf '  %s: %s\n' "$key" "$(b64 "$value")" >>"$file"
  done
  if [ -z "$existing" ]; then
    # create, not apply: it fails rather than replace a Secret made meanwhile.
    kube create -f "$file"
    SECRETS_DONE+=("created $name")
  else
    kube -n "$ns" patch secret "$name" --type merge --patch-file "$file"
    SECRETS_DONE+=("added $(printf '%s\n' "${missing[@]%%=*}" | paste -sd, -) to $name")
  fi
  rm -f "$file"
}

# The portal's certificate, from files the operator names.
ensure_tls_secret() {
  local ns="$1" name="$2"
  if kubectl -n "$ns" get secret "$name" >/dev/null 2>&1; then
    SECRETS_DONE+=("kept $name")
    return
  fi
  input DESKTOPS_TLS_CERT "the portal's certificate (PEM file, with its chain) for Secret $ns/$name"
  input DESKTOPS_TLS_KEY "its private key (PEM file)"
  if [ ! -r "$DESKTOPS_TLS_CERT" ] || [ ! -r "$DESKTOPS_TLS_KEY" ]; then
    die "cannot read $DESKTOPS_TLS_CERT or $DESKTOPS_TLS_KEY"
  fi
  kube -n "$ns" create secret tls "$name" --cert="$DESKTOPS_TLS_CERT" --key="$DESKTOPS_TLS_KEY"
  SECRETS_DONE+=("created $name")
}

phase_secrets() {
  SECRETS_DONE=()
  # The portal (deploy/base/backstage/deployment.yaml): backend and session
  # keys and the metrics token are generated; Prometheus reads METRICS_TOKEN
  # from here too (deploy/base/monitoring/servicemonitors.yaml).
  ensure_secret desktop-mania backstage-secrets Opaque \
    BACKEND_SECRET=random \
    METRICS_TOKEN=random \
    AUTH_SESSION_SECRET=random \
    OIDC_METADATA_URL=env:OIDC_METADATA_URL \
    OIDC_CLIENT_ID=env:OIDC_CLIENT_ID \
    OIDC_CLIENT_SECRET=hidden:OIDC_CLIENT_SECRET
  # PostgreSQL: CloudNativePG creates the "backstage" owner with this
  # password (bootstrap.initdb.secret), and the portal logs in with it.
  ensure_secret desktop-mania backstage-db-credentials kubernetes.io/basic-auth \
    username=value:backstage \
    password=random
  # The object store the Barman Cloud plugin archives WAL and backups to.
  ensure_secret desktop-mania backup-s3 Opaque \
    ACCESS_KEY_ID=env:BACKUP_S3_ACCESS_KEY_ID \
    SECRET_ACCESS_KEY=hidden:BACKUP_S3_SECRET_ACCESS_KEY
  # Grafana's admin login (grafana.admin.existingSecret in
  # deploy/monitoring/kube-prometheus-stack-values.yaml).
  ensure_secret monitoring grafana-admin Opaque \
    admin-user=value:admin \
    admin-password=random
  ensure_tls_secret desktop-mania desktops-tls

  # The check: each of them exists now.
  local s
  for s in desktop-mania/backstage-secrets desktop-mania/backstage-db-credentials desktop-mania/backup-s3 monitoring/grafana-admin desktop-mania/desktops-tls; do
    kubectl -n "${s%%/*}" get secret "${s#*/}" >/dev/null 2>&1 || die "Secret $s is missing after the secrets phase"
  done
  say "secrets: $(printf '%s\n' "${SECRETS_DONE[@]}" | paste -sd, - | sed 's/,/, /g') (values never printed; read one with kubectl -n NS get secret NAME -o jsonpath='{.data.KEY}' | base64 -d)"
}
