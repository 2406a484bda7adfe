# One image holding paymesh-operator, paymesh-webhook and paymeshctl.
#   scripts/build-image.sh            builds it with podman on a machine without a registry
#   docker build -t paymesh:dev .     where a Docker daemon and Docker Hub are at hand
#
# Build stage: the release preset (no tests, no benchmarks) on Debian 12 with the build
# packages of scripts/install-deps.sh. It then assembles the final root filesystem: the
# binaries, exactly the shared libraries `ldd` says they load (and the loader; ldd runs on one
# binary at a time, as with several it prints a header line per file), the CA
# certificates and the CRD, and runs every binary inside that root to prove it complete.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-kube-tools.sh scripts/
RUN scripts/install-deps.sh --build \
 && apt-get install -y -q --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake --preset release && cmake --build --preset release -j"$(nproc)"
RUN set -eu; \
    root=/rootfs; mkdir -p "$root/usr/local/bin" "$root/usr/share/paymesh" "$root/etc/ssl/certs" "$root/tmp"; \
    chmod 1777 "$root/tmp"; \
    for b in operator/paymesh-operator webhook/paymesh-webhook paymeshctl/paymeshctl; do \
      [ -x "build/release/$b" ] || { echo "missing build/release/$b" >&2; exit 1; }; \
      install -m 0755 "build/release/$b" "$root/usr/local/bin/"; \
    done; \
    for b in "$root"/usr/local/bin/*; do ldd "$b"; done > /tmp/ldd; \
    if grep -q 'not found' /tmp/ldd; then cat /tmp/ldd; exit 1; fi; \
    awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' /tmp/ldd | sort -u > /tmp/libs; \
    while read -r lib; do cp --parents -L "$lib" "$root/"; done < /tmp/libs; \
    cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"; \
    cp -r crds "$root/usr/share/paymesh/crds"; \
    printf 'root:x:0:0::/:/nonexistent\npaymesh:x:65532:65532::/nonexistent:/nonexistent\n' > "$root/etc/passwd"; \
    printf 'root:x:0:\npaymesh:x:65532:\n' > "$root/etc/group"; \
    echo "runtime libraries (from ldd):"; sed 's/^/  /' /tmp/libs; \
    for b in "$root"/usr/local/bin/*; do chroot "$root" "/usr/local/bin/$(basename "$b")" --version; done

# Final stage: nothing but that root filesystem. No package manager, no apt lists, no
# shell: every binary is started directly (exec form), as a non-root user.
FROM scratch
COPY --from=build /rootfs/ /
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/paymeshctl"]
CMD ["--help"]
