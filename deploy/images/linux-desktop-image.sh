#!/usr/bin/env bash
# Builds a Linux desktop golden image as a KubeVirt container disk and pushes
# it to your registry, where the DataImportCrons of
# deploy/base/kubevirt/images.yaml pick up each new push within a day.
#
#   ./linux-desktop-image.sh ubuntu registry.example.com/desktop-mania/ubuntu-desktop:24.04
#   ./linux-desktop-image.sh debian registry.example.com/desktop-mania/debian-desktop:12
#
# It starts from the distribution's cloud image (cloud-init creates the
# owner's account at first boot), adds a light desktop (Xfce with LightDM, so
# the console shows a graphical login), the QEMU guest agent and no SSH
# password logins, and resets the machine identity so every clone gets its
# own. Needs virt-customize (Debian/Ubuntu package libguestfs-tools), curl,
# and docker or podman logged in to the registry.
set -euo pipefail

distro="${1:-}"
image="${2:-}"
case "$distro" in
  ubuntu)
    base_url="https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"
    packages="xubuntu-core,lightdm,lightdm-gtk-greeter,qemu-guest-agent,spice-vdagent"
    ;;
  debian)
    base_url="https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2"
    packages="task-xfce-desktop,lightdm,qemu-guest-agent,spice-vdagent"
    ;;
  *)
    echo "usage: linux-desktop-image.sh ubuntu|debian REGISTRY/IMAGE:TAG" >&2
    exit 2
    ;;
esac
[ -n "$image" ] || { echo "usage: linux-desktop-image.sh $distro REGISTRY/IMAGE:TAG" >&2; exit 2; }

for tool in virt-customize qemu-img curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (libguestfs-tools, qemu-utils, curl)" >&2; exit 1; }
done
engine="$(command -v podman || command -v docker || true)"
[ -n "$engine" ] || { echo "docker or podman is needed to build the container disk" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetching $base_url"
curl -fL --retry 3 -o "$work/base.img" "$base_url"
qemu-img convert -O qcow2 "$work/base.img" "$work/disk.qcow2"
rm "$work/base.img"
# Room for the desktop packages; the portal grows the disk to the ordered size.
qemu-img resize "$work/disk.qcow2" 12G

virt-customize -a "$work/disk.qcow2" \
  --run-command 'growpart /dev/sda 1 || growpart /dev/vda 1 || true' \
  --run-command 'resize2fs /dev/sda1 || resize2fs /dev/vda1 || true' \
  --update \
  --install "$packages" \
  --run-command 'systemctl set-default graphical.target' \
  --run-command 'systemctl enable lightdm qemu-guest-agent' \
  --run-command 'sed -i "s/^#\?PasswordAuthentication.*/PasswordAuthentication no/" /etc/ssh/sshd_config' \
  --run-command 'apt-get clean && rm -rf /var/lib/apt/lists/*' \
  --run-command 'cloud-init clean --logs --seed' \
  --truncate /etc/machine-id

# A KubeVirt container disk: the image under /disk, owned by qemu (107).
cat >"$work/Containerfile" <<'CONTAINERFILE'
FROM scratch
ADD --chown=107:107 disk.qcow2 /disk/
CONTAINERFILE
"$engine" build -t "$image" -f "$work/Containerfile" "$work"
"$engine" push "$image"
echo "pushed $image; the DataImportCron imports it at its next scheduled run"
