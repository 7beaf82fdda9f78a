#!/usr/bin/env bash
# Builds the Windows 11 golden image the portal clones desktops from.
#
# 1. Uploads a Windows 11 ISO (you provide it: licensing forbids shipping one).
# 2. Boots an installer VM that installs Windows unattended with the virtio
#    drivers, then runs sysprep /generalize and shuts down.
# 3. Leaves the generalized disk as PVC windows-11-golden, which the
#    DataSource windows-11-desktop (deploy/base/kubevirt/images.yaml) points at.
#
# Usage: ./windows-golden-image.sh path/to/Win11.iso
# Needs kubectl and virtctl on the PATH, with a kubeconfig for the cluster.
set -euo pipefail

iso="${1:?usage: windows-golden-image.sh path/to/Win11.iso}"
ns=desktop-images
sc="${STORAGE_CLASS:-longhorn-desktop}"

[ -f "$iso" ] || { echo "No such ISO: $iso" >&2; exit 2; }
command -v virtctl >/dev/null || { echo "virtctl is needed: https://kubevirt.io/user-guide/user_workloads/virtctl_client_tool/" >&2; exit 2; }

if ! kubectl -n "$ns" get pvc windows-11-iso >/dev/null 2>&1; then
  virtctl image-upload dv windows-11-iso -n "$ns" --size=8Gi --storage-class="$sc" \
    --image-path="$iso" --insecure --force-bind
fi

kubectl -n "$ns" apply -f - <<YAML
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: windows-11-builder
  namespace: $ns
spec:
  runStrategy: RerunOnFailure
  instancetype: { kind: VirtualMachineClusterInstancetype, name: u1.large }
  preference: { kind: VirtualMachineClusterPreference, name: windows.11.virtio }
  dataVolumeTemplates:
    - metadata: { name: windows-11-golden }
      spec:
        source: { blank: {} }
        storage:
          storageClassName: $sc
          resources: { requests: { storage: 64Gi } }
  template:
    spec:
      domain:
        devices:
          disks:
            - { name: installer, cdrom: { bus: sata }, bootOrder: 1 }
            - { name: rootdisk, bootOrder: 2 }
            - { name: virtio-drivers, cdrom: { bus: sata } }
      volumes:
        - { name: installer, persistentVolumeClaim: { claimName: windows-11-iso } }
        - { name: rootdisk, dataVolume: { name: windows-11-golden } }
        - { name: virtio-drivers, containerDisk: { image: quay.io/kubevirt/virtio-container-disk:v1.6.2 } }
YAML

echo "Finish the installation in the console (virtctl vnc windows-11-builder -n $ns),"
echo "then run: C:\\Windows\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown"
echo "Waiting for the builder to shut down..."
until [ "$(kubectl -n "$ns" get vm windows-11-builder -o jsonpath='{.status.printableStatus}')" = Stopped ]; do
  sleep 30
done
# Keep the disk, drop the builder.
kubectl -n "$ns" patch dv windows-11-golden --type=json -p='[{"op":"remove","path":"/metadata/ownerReferences"}]'
kubectl -n "$ns" delete vm windows-11-builder
echo "PVC $ns/windows-11-golden is ready; DataSource windows-11-desktop serves it."
