# syntax=docker/dockerfile:1
# leadrelay: multi-stage image on Node 22 slim, running as a non-root user with the database on a volume.
#   docker build -t leadrelay .
#   docker run --rm -v leadrelay-data:/data -e SF_CLIENT_ID=... -e SF_CLIENT_SECRET=... \
#     -e SF_USERNAME=... -e SF_PASSWORD=... leadrelay daemon

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source here (no prebuilt binary is downloaded).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    LEADRELAY_CONFIG=/app/config/leadrelay.yaml
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY mappings ./mappings
COPY config ./config
# The default config keeps its database under data/ relative to the config file's folder; point it at /data.
# In a container the web client and /metrics must listen on all interfaces (only within their own sections).
RUN cp config/default.yaml config/leadrelay.yaml \
 && sed -i 's#^  url: sqlite:data/leadrelay.db#  url: sqlite:/data/leadrelay.db#' config/leadrelay.yaml \
 && sed -i '/^web:/,/^[a-z]/ s/^  host: 127.0.0.1/  host: 0.0.0.0/; /^metrics:/,/^[a-z]/ s/^  host: 127.0.0.1/  host: 0.0.0.0/' config/leadrelay.yaml \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# 8080: web client and API (web.enabled), 9464: /metrics, /healthz, /readyz.
EXPOSE 8080 9464
# Healthy when the config, mappings and database open (`status` reads the store only, no CRM call).
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s CMD ["node", "bin/leadrelay", "status", "--json"]
ENTRYPOINT ["node", "bin/leadrelay"]
CMD ["daemon"]
