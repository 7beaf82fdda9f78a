# shellcheck shell=bash
# Phase "resources": the overlay's objects that the operators serve, in the
# order they can be served. KubeVirt's and CDI's operators create the CRDs
# of VMs, instancetypes, DataVolumes and DataImportCrons only once their own
# CRs exist, so those CRs go first and are awaited; PostgreSQL comes up last,
# on the Longhorn class and with the backup store of the first pass.

# The first pass: kinds whose CRDs the operators phase brought.
RESOURCES_FIRST='^storage\.k8s\.io/StorageClass$|^longhorn\.io/|^metallb\.io/|^kubevirt\.io/KubeVirt$|^cdi\.kubevirt\.io/CDI$|^barmancloud\.cnpg\.io/'
# The second: kinds KubeVirt and CDI add, and CloudNativePG's clusters.
RESOURCES_SECOND='^kubevirt\.io/|^instancetype\.kubevirt\.io/|^cdi\.kubevirt\.io/|^postgresql\.cnpg\.io/'

phase_resources() {
  local first="$WORK/resources-1.yaml" second="$WORK/resources-2.yaml" cluster file object kind ns name
  select_docs "$RENDERED" "$RESOURCES_FIRST" >"$first"
  select_docs "$RENDERED" "$RESOURCES_SECOND" >"$second"
  [ -s "$first" ] || die "the overlay has no StorageClass, MetalLB, Longhorn, KubeVirt or CDI objects: is $OVERLAY_DIR the right overlay?"

  apply_retry -f "$first"
  # doc_names prints Kind/namespace/name; CDI is cluster-scoped.
  for object in $(doc_names "$first" | awk -F/ '$1 == "KubeVirt" || $1 == "CDI"'); do
    IFS=/ read -r kind ns name <<<"$object"
    case "$kind" in
      KubeVirt) wait_condition "$ns" "kubevirt.kubevirt.io/$name" Available 1200 ;;
      CDI) wait_condition "" "cdi.cdi.kubevirt.io/$name" Available 1200 ;;
    esac
  done
  wait_crds virtualmachines.kubevirt.io virtualmachineclusterinstancetypes.instancetype.kubevirt.io \
    datavolumes.cdi.kubevirt.io datasources.cdi.kubevirt.io dataimportcrons.cdi.kubevirt.io

  [ ! -s "$second" ] || apply_retry -f "$second"
  for cluster in $(doc_names "$second" | awk -F/ '$1 == "Cluster" { print $2 "/" $3 }'); do
    wait_condition "${cluster%%/*}" "cluster.postgresql.cnpg.io/${cluster#*/}" Ready 1200
  done

  # The check: every object of both passes is there.
  for file in "$first" "$second"; do
    [ ! -s "$file" ] || kubectl get -f "$file" -o name >/dev/null 2>&1 ||
      die "some of the overlay's resources are missing after apply: $(doc_names "$file" | paste -sd' ' -)"
  done
  say "resources: $(($(count_docs "$first") + $(count_docs "$second"))) objects (storage classes, address pool, KubeVirt, CDI, image imports, PostgreSQL); KubeVirt and CDI available, PostgreSQL ready"
}
