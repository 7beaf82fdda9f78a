#!/usr/bin/env bash
# The Windows 11 golden image the portal clones desktops from: a generalized
# (sysprep'd) disk in a DataVolume in desktop-images, served by DataSource
# windows-11-desktop, which workspaces.images[].dataSource names.
#
# Two ways to get the disk (Windows licensing forbids shipping one):
#
#   upload DISK [VERSION]  Upload a disk image you built from the ISO
#                          elsewhere (virt-install, Packer, ...), installed
#                          with the virtio drivers and generalized with
#                          sysprep /generalize /oobe /shutdown; qcow2 or raw.
#   build ISO [VERSION]    Build it in the cluster: uploads the ISO, boots an
#                          installer VM with the virtio drivers and a CD with
#                          install-desktop-display.ps1, waits while you
#                          install Windows in its console, run that script and
#                          sysprep, then keeps the generalized disk.
#   display-script         Print install-desktop-display.ps1, for a disk
#                          built elsewhere: run it in Windows before sysprep.
#
# The script installs the desktop's own display, a VNC server service the
# portal shows in the Desktop tab (several viewers, clipboard); without it
# the tab falls back to the VM console.
#
# Either way the disk becomes DataVolume windows-11-golden-VERSION (VERSION
# defaults to today's date), and the DataSource is switched to it only once
# it is complete: orders keep cloning the previous version until then, and
# desktops already made are independent copies. Remove old versions with
# kubectl -n desktop-images delete dv windows-11-golden-OLDVERSION.
#
# Needs kubectl and virtctl with a kubeconfig that may write desktop-images,
# and CDI's upload proxy reachable (virtctl --uploadproxy-url, or port-forward:
# kubectl -n cdi port-forward svc/cdi-uploadproxy 18443:443 and
# UPLOADPROXY_URL=https://127.0.0.1:18443).
set -euo pipefail

NAMESPACE="${NAMESPACE:-desktop-images}"
DATASOURCE="${DATASOURCE:-windows-11-desktop}"
STORAGE_CLASS="${STORAGE_CLASS:-longhorn-desktop}"
DISK_SIZE="${DISK_SIZE:-64Gi}"
# The virtio drivers KubeVirt publishes with each release (the
# push-virtio-container-disk target in kubevirt/kubevirt BUILD.bazel), at
# the KubeVirt version the cluster runs (deploy/versions.yaml).
# shellcheck source=../install/versions.env
. "$(dirname "${BASH_SOURCE[0]}")/../install/versions.env"
VIRTIO_IMAGE="${VIRTIO_IMAGE:-quay.io/kubevirt/virtio-container-disk:${KUBEVIRT_VERSION}}"

die() {
  echo "$*" >&2
  exit 1
}

usage() {
  sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

need_tools() {
  command -v kubectl >/dev/null || die "kubectl is needed"
  command -v virtctl >/dev/null || die "virtctl is needed (it comes with each KubeVirt release)"
  kubectl get namespace "$NAMESPACE" >/dev/null || die "Namespace $NAMESPACE is missing: apply the overlay first"
}

# The desktop's own display: TightVNC's server as a Windows service on port
# 5900 (TigerVNC has no Windows server), sharing the screen between viewers.
#
# No password, on purpose: the port is reachable only through KubeVirt's
# portforward subresource. The desktops' NetworkPolicy
# (deploy/base/workspaces/networkpolicies.yaml) admits only virt-api, on
# this port only, and virt-api forwards only for callers allowed
# virtualmachineinstances/portforward in the desktops' namespace: the
# portal's service account, which relays a console only after the portal's
# own permission check. A VNC password would add nothing there: the portal
# would hold every desktop's password to answer the challenge itself, since
# the browser must never see it. Keep the NetworkPolicy if this changes.
display_script() {
  cat <<'PS1'
# Installs the desktop's own display for Desktop Mania (see
# deploy/images/windows-golden-image.sh): TightVNC's server as an automatic
# service on TCP 5900, no password (reachable only through KubeVirt's
# portforward), shared between viewers. Run as an administrator before sysprep.
param([string]$Version = '2.8.85')
$ErrorActionPreference = 'Stop'
winget install --exact --id GlavSoft.TightVNC --version $Version --scope machine --silent --accept-package-agreements --accept-source-agreements
if ($LASTEXITCODE -ne 0) { throw "winget could not install TightVNC $Version ($LASTEXITCODE)" }
$server = 'HKLM:\SOFTWARE\TightVNC\Server'
New-Item -Path $server -Force | Out-Null
$settings = [ordered]@{
  RfbPort = 5900; AcceptRfbConnections = 1; LoopbackOnly = 0
  UseVncAuthentication = 0; UseControlAuthentication = 0
  AcceptHttpConnections = 0
  AlwaysShared = 1; NeverShared = 0; DisconnectClients = 0
}
foreach ($name in $settings.Keys) {
  New-ItemProperty -Path $server -Name $name -Value $settings[$name] -PropertyType DWord -Force | Out-Null
}
if (-not (Get-Service -Name tvnserver -ErrorAction SilentlyContinue)) {
  & (Join-Path $env:ProgramFiles 'TightVNC\tvnserver.exe') -install -silent
}
Set-Service -Name tvnserver -StartupType Automatic
Restart-Service -Name tvnserver
if (-not (Get-NetFirewallRule -Name DesktopManiaDisplay -ErrorAction SilentlyContinue)) {
  New-NetFirewallRule -Name DesktopManiaDisplay -DisplayName 'Desktop Mania display (VNC)' -Direction Inbound -Protocol TCP -LocalPort 5900 -Action Allow -Profile Any | Out-Null
}
Write-Output 'The desktop display listens on TCP 5900; now run sysprep.'
PS1
}

# The builder VM's setup CD: KubeVirt makes a sysprep volume of a ConfigMap
# and insists on an unattend.xml in it (kubevirt/kubevirt
# pkg/config/sysprep.go `validateUnattendPresence`). An empty one: Windows
# Setup reads only Autounattend.xml from removable media, so the interactive
# install stays interactive.
apply_setup_cd() {
  local name="$1"
  kubectl -n "$NAMESPACE" create configmap "$name" \
    --from-literal=unattend.xml='<?xml version="1.0" encoding="utf-8"?><unattend xmlns="urn:schemas-microsoft-com:unattend"/>' \
    --from-file=install-desktop-display.ps1=<(display_script) \
    --dry-run=client -o yaml | kubectl apply -f -
}

upload_args() {
  local args=(--namespace "$NAMESPACE" --storage-class "$STORAGE_CLASS" --force-bind)
  if [ -n "${UPLOADPROXY_URL:-}" ]; then
    args+=(--uploadproxy-url "$UPLOADPROXY_URL" --insecure)
  fi
  printf '%s\n' "${args[@]}"
}

wait_for_dv() {
  local dv="$1"
  echo "waiting for DataVolume $dv to succeed..."
  kubectl -n "$NAMESPACE" wait "dv/$dv" --for=jsonpath='{.status.phase}'=Succeeded --timeout=2h
}

# Points the DataSource at a finished disk; creates it the first time.
point_datasource() {
  local pvc="$1"
  kubectl apply -f - <<YAML
apiVersion: cdi.kubevirt.io/v1beta1
kind: DataSource
metadata:
  name: $DATASOURCE
  namespace: $NAMESPACE
  labels:
    app.kubernetes.io/part-of: desktop-mania
    desktopmania.io/golden-image: $pvc
spec:
  source:
    pvc:
      name: $pvc
      namespace: $NAMESPACE
YAML
  kubectl -n "$NAMESPACE" wait "datasource/$DATASOURCE" --for=condition=Ready --timeout=5m
  echo "DataSource $NAMESPACE/$DATASOURCE now serves $pvc"
}

upload_disk() {
  local disk="$1" dv="$2"
  [ -f "$disk" ] || die "No such disk image: $disk"
  if kubectl -n "$NAMESPACE" get dv "$dv" >/dev/null 2>&1; then
    echo "DataVolume $dv exists; not uploading again"
  else
    mapfile -t args < <(upload_args)
    virtctl image-upload dv "$dv" --size "$DISK_SIZE" --image-path "$disk" "${args[@]}"
  fi
  wait_for_dv "$dv"
}

build_from_iso() {
  local iso="$1" dv="$2" iso_dv="windows-11-iso" builder="windows-11-builder"
  local setup="windows-11-builder-setup"
  [ -f "$iso" ] || die "No such ISO: $iso"
  if ! kubectl -n "$NAMESPACE" get dv "$iso_dv" >/dev/null 2>&1; then
    mapfile -t args < <(upload_args)
    virtctl image-upload dv "$iso_dv" --size 8Gi --image-path "$iso" "${args[@]}"
  fi
  wait_for_dv "$iso_dv"
  apply_setup_cd "$setup"

  # The installer VM. Its disk is a standalone DataVolume, so deleting the
  # VM afterwards keeps it.
  kubectl apply -f - <<YAML
apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: $dv
  namespace: $NAMESPACE
spec:
  source:
    blank: {}
  storage:
    storageClassName: $STORAGE_CLASS
    resources:
      requests:
        storage: $DISK_SIZE
---
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: $builder
  namespace: $NAMESPACE
spec:
  runStrategy: Once
  instancetype:
    kind: VirtualMachineClusterInstancetype
    name: u1.large
  preference:
    kind: VirtualMachineClusterPreference
    name: windows.11.virtio
  template:
    spec:
      domain:
        devices:
          disks:
            - name: installer
              bootOrder: 1
              cdrom:
                bus: sata
            - name: rootdisk
              bootOrder: 2
            - name: virtio-drivers
              cdrom:
                bus: sata
            - name: setup
              cdrom:
                bus: sata
      volumes:
        - name: installer
          persistentVolumeClaim:
            claimName: $iso_dv
        - name: rootdisk
          dataVolume:
            name: $dv
        - name: virtio-drivers
          containerDisk:
            image: $VIRTIO_IMAGE
        - name: setup
          sysprep:
            configMap:
              name: $setup
YAML

  cat <<TEXT
Install Windows in the console:  virtctl vnc $builder -n $NAMESPACE
  - load the storage driver from the virtio CD (viostor\\w11\\amd64) when no disk shows;
  - install the rest with virtio-win-gt-x64.msi and the guest agent from the same CD;
  - install the desktop display from the CD labelled unattendCD, in an administrator PowerShell:
      powershell -ExecutionPolicy Bypass -File X:\\install-desktop-display.ps1   (X: that CD's letter)
  - finish with: C:\\Windows\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown
Waiting for the installer VM to shut down after sysprep...
TEXT
  kubectl -n "$NAMESPACE" wait "vm/$builder" --for=jsonpath='{.status.printableStatus}'=Stopped --timeout=12h
  kubectl -n "$NAMESPACE" delete vm "$builder" --wait
  kubectl -n "$NAMESPACE" delete dv "$iso_dv" --ignore-not-found
  kubectl -n "$NAMESPACE" delete configmap "$setup" --ignore-not-found
}

command="${1:-}"
source_file="${2:-}"
version="${3:-$(date +%Y%m%d)}"
[[ "$version" =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || die "VERSION must be lower-case letters, digits and dashes: $version"
dv="windows-11-golden-$version"

case "$command" in
  display-script)
    display_script
    exit 0
    ;;
  upload)
    [ -n "$source_file" ] || usage
    need_tools
    upload_disk "$source_file" "$dv"
    ;;
  build)
    [ -n "$source_file" ] || usage
    need_tools
    build_from_iso "$source_file" "$dv"
    ;;
  *) usage ;;
esac
point_datasource "$dv"
