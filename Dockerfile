# The agent image used by `odin-agent manifests` (--image). Build the binary first:
#   npm ci && npm run build && docker build -t ghcr.io/odin-agent/odin-agent:$(dist/odin-agent version | cut -d' ' -f2) .
# The Bun-compiled binary links glibc dynamically, so the base is Debian slim rather than scratch.
FROM debian:12-slim
COPY dist/odin-agent /usr/local/bin/odin-agent
# Read by Bun at start-up (src/platform/runtime-env.ts); set here, the binary need not re-execute itself.
ENV BUN_GC_TIMER_DISABLE=1 BUN_JSC_heapGrowthMaxIncrease=1.1 BUN_JSC_useWarmUpMarkedBlocks=0 BUN_JSC_useConcurrentJIT=0 BUN_JSC_useConcurrentGC=0 BUN_JSC_numberOfGCMarkers=1
EXPOSE 9405
ENTRYPOINT ["/usr/local/bin/odin-agent"]
