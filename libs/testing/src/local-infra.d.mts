// Types of local-infra.mjs: the part of deploy/local/infra.mjs the broker-pause specs use.
export { infraStatus } from '../../../deploy/local/infra.mjs';
