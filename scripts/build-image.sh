#!/usr/bin/env bash
# Builds the paymesh image from the Dockerfile with podman, on a Debian 12 machine with no
# Docker daemon and no registry: the Dockerfile's `debian:12` base is made here with
# debootstrap and `podman import`ed under that name, the build runs with chroot isolation
# on vfs storage, and every binary's --version is then run inside the image. Exits
# non-zero when the build or any binary fails. Not part of scripts/test.sh (it takes
# several minutes; docs/BENCHMARKS.md has the figures).
#
#   scripts/build-image.sh [TAG]          default tag localhost/paymesh:dev
# Environment:
#   PAYMESH_IMAGE_STORE=DIR     podman storage (default /var/tmp/paymesh-image/storage)
#   PAYMESH_DEBIAN_TARBALL=FILE an existing bookworm root tarball to import instead of
#                               running debootstrap (e.g. one made earlier by this script)
#   PAYMESH_DEBIAN_MIRROR=URL   mirror for debootstrap (default http://deb.debian.org/debian)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tag="${1:-localhost/paymesh:dev}"
cache=/var/tmp/paymesh-image
store="${PAYMESH_IMAGE_STORE:-$cache/storage}"
mirror="${PAYMESH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
start=$(date +%s)
say() { printf 'build-image: %s\n' "$*" >&2; }
elapsed() { echo "$(($(date +%s) - start)) s"; }

[ "$(id -u)" -eq 0 ] || { say "run as root (debootstrap and podman with chroot isolation)"; exit 2; }
scripts/install-deps.sh --image >&2

mkdir -p "$cache" "$store"
podman=(podman --root "$store/root" --runroot "$store/run" --storage-driver vfs --cgroup-manager cgroupfs
  --events-backend none)

# 1. The base image the Dockerfile names, built locally.
base_tar="${PAYMESH_DEBIAN_TARBALL:-$cache/bookworm.tar}"
if [ ! -s "$base_tar" ]; then
  say "debootstrap bookworm from $mirror (once; cached in $base_tar)"
  rootfs="$cache/rootfs.$$"
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; say "debootstrap failed (log: $cache/debootstrap.log)"; exit 1; }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -cf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar"
  rm -rf "$rootfs"
  trap - EXIT
fi
for name in $(awk 'toupper($1) == "FROM" && $2 != "scratch" {print $2}' Dockerfile | sort -u); do
  say "podman import $base_tar as $name"
  "${podman[@]}" import --quiet "$base_tar" "docker.io/library/$name" >/dev/null
done

# 2. The image.
say "podman build -t $tag (chroot isolation, vfs storage)"
"${podman[@]}" build --isolation chroot --pull=never --network host -t "$tag" -f Dockerfile .
say "built $tag in $(elapsed)"

# 3. Every binary starts in it. crun is tried first; where it cannot start containers
# (nested, no cgroups), runc with explicit limits does.
run_in_image() {
  local bin="$1"
  "${podman[@]}" run --rm --network none --entrypoint "/usr/local/bin/$bin" "$tag" --version 2>"$cache/run.err" && return 0
  "${podman[@]}" --runtime runc run --rm --network none --ulimit nofile=20000:20000 --ulimit nproc=1000:1000 \
    --entrypoint "/usr/local/bin/$bin" "$tag" --version && return 0
  cat "$cache/run.err" >&2
  return 1
}
# The binaries the image holds, read from its filesystem (it has no shell to list them).
cid="$("${podman[@]}" create "$tag")"
bins="$("${podman[@]}" export "$cid" | tar -t | sed -n 's|^\./||; s|^usr/local/bin/\(..*\)$|\1|p')"
"${podman[@]}" rm "$cid" >/dev/null
failed=0
for bin in $bins; do
  if run_in_image "$bin"; then say "$bin starts in $tag"; else say "FAILED: $bin --version in $tag"; failed=1; fi
done
for want in paymesh-operator paymesh-webhook paymeshctl; do
  grep -qx "$want" <<<"$bins" || { say "FAILED: $tag has no /usr/local/bin/$want"; failed=1; }
done
"${podman[@]}" image ls "$tag" >&2
say "done in $(elapsed)"
exit "$failed"
