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
# the console shows a graphical login), TigerVNC's x0vncserver showing that
# same screen as the desktop's own display (several viewers, clipboard; see
# desktop-display.service below), the QEMU guest agent and no SSH password
# logins, and resets the machine identity so every clone gets its own. Needs virt-customize (Debian/Ubuntu package libguestfs-tools), curl,
# and docker or podman logged in to the registry.
set -euo pipefail

distro="${1:-}"
image="${2:-}"
case "$distro" in
  ubuntu)
    base_url="https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"
    packages="xubuntu-core,lightdm,lightdm-gtk-greeter,tigervnc-scraping-server,qemu-guest-agent,spice-vdagent"
    ;;
  debian)
    base_url="https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2"
    packages="task-xfce-desktop,lightdm,tigervnc-scraping-server,qemu-guest-agent,spice-vdagent"
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

# The desktop's own display: x0vncserver on LightDM's X server (:0, the
# login screen and then the session), on port 5900, restarted whenever X
# restarts (log out, log in).
#
# No password (SecurityTypes None), on purpose: the port is reachable only
# through KubeVirt's portforward subresource. The desktops' NetworkPolicy
# (deploy/base/workspaces/networkpolicies.yaml) admits only virt-api, on
# this port only, and virt-api forwards only for callers allowed
# virtualmachineinstances/portforward in the desktops' namespace: the
# portal's service account, which relays a console only after the portal's
# own permission check. A VNC password would add nothing there: the portal
# would hold every desktop's password to answer the challenge itself, since
# the browser must never see it. Keep the NetworkPolicy if this changes.
#
# AlwaysShared and DisconnectClients=0: a second viewer (a shared desktop,
# a second tab) joins instead of taking the screen from the first.
cat >"$work/desktop-display.service" <<'UNIT'
[Unit]
Description=Desktop Mania: the desktop's own display (VNC of X display :0)
After=lightdm.service
# Until LightDM's X server is up it fails every 2 s; never give up on it.
StartLimitIntervalSec=0

[Service]
Environment=XAUTHORITY=/var/run/lightdm/root/:0
ExecStart=/usr/bin/x0vncserver -display :0 -rfbport 5900 -SecurityTypes None -AlwaysShared=1 -NeverShared=0 -DisconnectClients=0
Restart=always
RestartSec=2

[Install]
WantedBy=graphical.target
UNIT

virt-customize -a "$work/disk.qcow2" \
  --run-command 'growpart /dev/sda 1 || growpart /dev/vda 1 || true' \
  --run-command 'resize2fs /dev/sda1 || resize2fs /dev/vda1 || true' \
  --update \
  --install "$packages" \
  --run-command 'systemctl set-default graphical.target' \
  --upload "$work/desktop-display.service:/etc/systemd/system/desktop-display.service" \
  --run-command 'systemctl enable lightdm qemu-guest-agent desktop-display' \
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
