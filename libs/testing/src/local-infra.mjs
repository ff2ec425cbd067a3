// The local broker's status for specs that pause it (deploy/local/infra.mjs sits outside every Nx
// project, so TypeScript code reaches it through this file and its local-infra.d.mts).
export { infraStatus } from '../../../deploy/local/infra.mjs';
