// The local broker's controls for the outage test (deploy/local/infra.mjs sits outside every Nx
// project, so TypeScript code reaches it through this file and its local-infra.d.mts).
export { infraStatus, startKafka, stopKafka } from '../../../../deploy/local/infra.mjs';
