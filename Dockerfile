# One image for the operator, the webhook and paymeshctl.
#   docker build -t paymesh:dev .
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
COPY tools/package.json tools/package-lock.json tools/
RUN scripts/install-deps.sh
COPY . .
RUN cmake --preset release && cmake --build --preset release -j"$(nproc)" \
 && mkdir -p /out && find build/release -maxdepth 2 -type f -perm -u+x \
      \( -name paymeshctl -o -name paymesh-operator -o -name paymesh-webhook -o -name kube-emulator \) \
      -exec cp {} /out/ \;

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libssl3 libyaml-0-2 libcpprest2.10 libxxhash0 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ /usr/local/bin/
COPY crds/ /usr/share/paymesh/crds/
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/paymeshctl"]
