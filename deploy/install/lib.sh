# shellcheck shell=bash
# Helpers shared by deploy/install.sh and its phases (deploy/install/*.sh).
#
# kubectl's own output goes to $INSTALL_LOG, not the terminal: the operator
# sees one line per phase, plus progress lines on stderr while something is
# awaited, and the full output of a command only when it fails.

WAIT_TIMEOUT="${WAIT_TIMEOUT:-600}"
POLL_INTERVAL="${POLL_INTERVAL:-5}"
# Admission webhooks start answering a little after their Deployment reports
# Ready, so an apply that a webhook checks is tried again for a while.
APPLY_ATTEMPTS="${APPLY_ATTEMPTS:-12}"

say() { printf '%s\n' "$*"; }
progress() { printf '  ... %s\n' "$*" >&2; }
die() {
  printf 'install.sh: %s\n' "$*" >&2
  [ -z "${INSTALL_LOG:-}" ] || printf 'install.sh: kubectl output so far is in %s\n' "$INSTALL_LOG" >&2
  exit 1
}

# kubectl whose failure stops the install, showing what kubectl said.
kube() {
  local out
  if ! out="$(kubectl "$@" 2>&1)"; then
    printf '$ kubectl %s\n%s\n' "$*" "$out" >>"$INSTALL_LOG"
    die "kubectl $* failed:
$out"
  fi
  printf '$ kubectl %s\n%s\n' "$*" "$out" >>"$INSTALL_LOG"
}

# kubectl apply, tried again while a just-started webhook refuses it.
apply_retry() {
  local attempt=1 out
  until out="$(kubectl apply "$@" 2>&1)"; do
    printf '$ kubectl apply %s\n%s\n' "$*" "$out" >>"$INSTALL_LOG"
    [ "$attempt" -lt "$APPLY_ATTEMPTS" ] || die "kubectl apply $* failed $attempt times; last:
$out"
    attempt=$((attempt + 1))
    sleep "$POLL_INTERVAL"
  done
  printf '$ kubectl apply %s\n%s\n' "$*" "$out" >>"$INSTALL_LOG"
}

# Operators create some of what is awaited (CRDs, Deployments) only a while
# after their manifest is applied; `kubectl wait` fails at once on a missing
# object, so first wait for it to exist.
wait_exists() {
  local deadline=$((SECONDS + WAIT_TIMEOUT))
  until kubectl get "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "gave up after ${WAIT_TIMEOUT}s waiting for: kubectl get $*"
    sleep "$POLL_INTERVAL"
  done
}

# wait_crds NAME...: until each CRD exists and is Established.
wait_crds() {
  local crd
  for crd; do
    wait_exists crd "$crd"
    kube wait --for=condition=Established "crd/$crd" --timeout="${WAIT_TIMEOUT}s"
  done
}

# wait_rollout NAMESPACE KIND/NAME...: until each workload is rolled out.
wait_rollout() {
  local ns="$1" workload
  shift
  for workload; do
    progress "waiting for $ns/$workload (up to ${WAIT_TIMEOUT}s)"
    wait_exists -n "$ns" "$workload"
    kube -n "$ns" rollout status "$workload" --timeout="${WAIT_TIMEOUT}s"
  done
}

# wait_condition NAMESPACE|"" TYPE/NAME CONDITION [TIMEOUT_SECONDS]
wait_condition() {
  local ns="$1" object="$2" condition="$3" timeout="${4:-$WAIT_TIMEOUT}" scope=()
  [ -z "$ns" ] || scope=(-n "$ns")
  progress "waiting for ${ns:+$ns/}$object to be $condition (up to ${timeout}s)"
  WAIT_TIMEOUT="$timeout" wait_exists "${scope[@]}" "$object"
  kube "${scope[@]}" wait "$object" --for="condition=$condition" --timeout="${timeout}s"
}

# 32 random bytes as hex: session keys, tokens, passwords.
random_hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

b64() { printf '%s' "$1" | base64 | tr -d '\n'; }

# Prints the documents of a rendered kustomization (one file, documents
# separated by "---") whose "group/Kind" matches the extended regular
# expression; the core group is empty ("/Namespace").
select_docs() {
  awk -v pattern="$2" '
    function flush() {
      if (doc != "" && (group "/" kind) ~ pattern) printf "%s---\n", doc
      doc = ""; group = ""; kind = ""
    }
    /^---$/ { flush(); next }
    /^apiVersion: / { v = $2; group = (index(v, "/") ? substr(v, 1, index(v, "/") - 1) : "") }
    /^kind: / { kind = $2 }
    { doc = doc $0 "\n" }
    END { flush() }
  ' "$1"
}

# kind/namespace/name of every document in a rendered file, one a line.
doc_names() {
  awk '
    function flush() { if (kind != "") print kind "/" ns "/" name; kind = ""; ns = ""; name = ""; inmeta = 0 }
    /^---$/ { flush(); next }
    /^kind: / { kind = $2 }
    /^metadata:/ { inmeta = 1; next }
    /^[^ ]/ { inmeta = 0 }
    inmeta && /^  name: / { name = $2 }
    inmeta && /^  namespace: / { ns = $2 }
    END { flush() }
  ' "$1"
}

count_docs() { grep -c '^kind: ' "$1" || true; }

# Reads an operator input: from the environment, else (in a terminal) asked
# for. Sets the variable of that name.
input() {
  local var="$1" prompt="$2" hidden="${3:-}" value="${!1:-}"
  if [ -z "$value" ] && [ -t 0 ]; then
    if [ "$hidden" = hidden ]; then
      read -r -s -p "$prompt ($var): " value
      echo >&2
    else
      read -r -p "$prompt ($var): " value
    fi
  fi
  [ -n "$value" ] || die "$var is needed: $prompt. Set it in the environment (docs/cluster-guide.md, step 1), or run install.sh in a terminal to be asked."
  printf -v "$var" '%s' "$value"
}
