import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { gatewayEnv, loadConfig, requiredVariables, serviceEnv } from '@pb/platform';

// docker-compose.yml cannot run on machines without Docker; this keeps it honest: every variable a
// service requires at boot is set there, and the values set pass the same validation as at boot.
const compose = parse(readFileSync(path.join(process.cwd(), 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string> }>;
};
const domainServices = ['org-registry', 'reporting', 'evaluation', 'training', 'notifications'];

/** `${NAME:?message}` as docker compose would expand it with NAME set. */
function expand(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+(:\?[^}]*)?\}/g, 'x'.repeat(44))]));
}

describe('docker-compose.yml', () => {
  it('runs the official mongo and apache/kafka images', () => {
    expect(compose.services['mongo']?.image).toMatch(/^mongo:\d/);
    expect(compose.services['kafka']?.image).toMatch(/^apache\/kafka:4\./);
  });

  it.each([...domainServices, 'gateway'])('sets every variable %s requires at boot, with valid values', (name) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    const env = expand(service?.environment ?? {});
    const spec = name === 'gateway' ? gatewayEnv : serviceEnv;
    const missing = requiredVariables(spec).filter((v) => env[v] === undefined);
    expect(missing).toEqual([]);
    expect(() => loadConfig(spec, env)).not.toThrow();
    expect(env['SERVICE']).toBe(name);
  });

  it.each([...domainServices, 'gateway'])('gives %s its own database and consumer group', (name) => {
    const env = compose.services[name]?.environment ?? {};
    expect(env['KAFKA_GROUP_ID']).toBe(name);
    const others = [...domainServices, 'gateway'].filter((s) => s !== name).map((s) => compose.services[s]?.environment?.['MONGODB_DB']);
    expect(others).not.toContain(env['MONGODB_DB']);
  });

  it('never commits a secret value: secrets come from the caller environment', () => {
    for (const name of [...domainServices, 'gateway']) {
      const env = compose.services[name]?.environment ?? {};
      for (const key of ['INTERNAL_AUTH_SECRET', 'AUTH_JWT_SECRET']) {
        if (env[key] !== undefined) expect(env[key]).toMatch(/^\$\{[A-Z_]+:\?/);
      }
    }
  });

  it('connects each service to Kafka as its own SCRAM principal, its password from the caller environment (docs/adr/0025)', () => {
    for (const name of [...domainServices, 'gateway']) {
      const env = compose.services[name]?.environment ?? {};
      expect(env['KAFKA_SASL_MECHANISM']).toBe('SCRAM-SHA-512');
      expect(env['KAFKA_SASL_USERNAME']).toBe(name);
      expect(env['KAFKA_SASL_PASSWORD']).toBe(
        `\${KAFKA_${name.toUpperCase().replace('-', '_')}_PASSWORD:?set KAFKA_${name.toUpperCase().replace('-', '_')}_PASSWORD}`,
      );
    }
    const job = compose.services['kafka-topics']?.environment ?? {};
    expect(job['KAFKA_SASL_USERNAME']).toBe('admin');
    expect(job['KAFKA_APPLY_ACLS']).toBe('true');
    const broker = JSON.stringify(compose.services['kafka']);
    expect(broker).toContain('listeners=SASL_PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093');
    expect(broker).toContain('authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    for (const principal of ['admin', 'analyst', ...domainServices, 'gateway']) expect(broker).toMatch(new RegExp(`user ${principal} `));
  });
});
