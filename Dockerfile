# syntax=docker/dockerfile:1

# ---- build ----
FROM golang:1.26-bookworm AS build
WORKDIR /src

# A CJK font for the Chinese labels of the digests' charts; the runtime
# image has no package manager, so the file is copied from here.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, so this layer is reused while go.mod/go.sum are unchanged.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .
ARG VERSION=dev
# Static binary; -tags timetzdata embeds the IANA zone database (time zones
# such as Asia/Shanghai load without /usr/share/zoneinfo).
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags timetzdata \
        -ldflags="-s -w -X main.version=${VERSION}" \
        -o /out/appealbot ./cmd/appealbot \
 && mkdir -p /out/data

# ---- run ----
# distroless static: CA certificates, /etc/passwd with nonroot (65532), no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/appealbot /appealbot
COPY --from=build /usr/share/fonts/truetype/wqy/wqy-microhei.ttc /usr/share/fonts/wqy-microhei.ttc
# An empty /data owned by the runtime user: a new named volume mounted there
# takes this ownership, so the non-root process can write to it.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV APPEALBOT_HTTP_ADDR=0.0.0.0:8080 \
    APPEALBOT_DATA_DIR=/data \
    APPEALBOT_CHART_FONT=/usr/share/fonts/wqy-microhei.ttc
EXPOSE 8080
VOLUME ["/data"]
# Listening on 0.0.0.0 requires API tokens: set APPEALBOT_API_TOKENS or
# APPEALBOT_API_TOKENS_FILE (see compose.yaml).
ENTRYPOINT ["/appealbot"]
CMD ["serve"]
