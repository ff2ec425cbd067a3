// The V8 flags every service runs with: here (npm start, the e2e tier, the benchmarks, through
// services.mjs) and in the image (deploy/docker/Dockerfile's CMD; tools/k8s/dockerfile.spec.ts keeps
// the two equal). Node built-ins only, nothing at all: read by the Dockerfile spec too.
//
// A young generation of at most 2 x 4 MiB instead of V8's default (2 x 32 MiB for this machine's heap
// size): every idle service kept about 64 MiB of new space resident, for scavenges that a service at
// rest or under the platform's load does not need (docs/adr/0027-idle-memory.md, measured with
// `npm run bench -- idle-memory`). The old generation's limit follows the container's memory limit
// (NODE_OPTIONS set by the Helm chart), not this list: locally there is none.
export const SERVICE_NODE_FLAGS = Object.freeze(['--max-semi-space-size=4']);
