// Types of local-infra.mjs: the part of deploy/local/infra.mjs the broker-pause specs use.
export interface InfraStatus {
  name: 'kafka' | 'ferretdb';
  pid: number | null;
  running: boolean;
  healthy: boolean | null;
  address: string;
  log: string;
}
export function infraStatus(): Promise<InfraStatus[]>;
