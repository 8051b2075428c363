# The meshbench image for clusters with a Docker engine (kind, any cluster): the proxy, the
# synthetic service, the load worker and the bundled Toxiproxy server as precompiled ES modules
# in /app/dist, run with plain node (`args: [/app/dist/proxy.mjs]`). nftables and nsenter are
# there for the chaos agent, which alone runs as root. `meshbench cluster up --provider local`
# assembles the same layout without Docker (src/cluster/local/image.ts).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nftables util-linux \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/dist ./dist
RUN echo '{"type":"module"}' > package.json
USER node
ENTRYPOINT ["node"]
CMD ["/app/dist/service.mjs"]
