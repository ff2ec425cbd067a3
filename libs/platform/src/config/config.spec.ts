import { describe, expect, it } from '@jest/globals';
import { storeAndBrokerOf } from '../domain-service.js';
import { brokerAuthOf, ConfigError, loadConfig, requiredVariables, serviceEnv, timeZone } from './config.js';

const good = {
  HTTP_PORT: '3001',
  INTERNAL_AUTH_SECRET: 's'.repeat(40),
  KAFKA_BROKERS: '127.0.0.1:9092,kafka-1.svc:9092',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  MONGODB_DB: 'orgs',
};

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(serviceEnv, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('service configuration', () => {
  it('parses a good environment with defaults', () => {
    const config = loadConfig(serviceEnv, good);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', 'kafka-1.svc:9092']);
    expect(config.HTTP_PORT).toBe(3001);
    expect(config.KAFKA_MAX_ATTEMPTS).toBe(5);
  });

  it('names a missing variable', () => {
    const { MONGODB_URI: _omit, ...env } = good;
    const err = problemsOf(env);
    expect(err.problems).toEqual([{ name: 'MONGODB_URI', rule: expect.stringMatching(/^is required/) as unknown as string }]);
    expect(err.message).toMatch(/MONGODB_URI: is required/);
  });

  it('names a malformed variable and the rule it broke', () => {
    const err = problemsOf({ ...good, KAFKA_BROKERS: 'kafka without port', HTTP_PORT: 'eighty' });
    const byName = Object.fromEntries(err.problems.map((p) => [p.name, p.rule]));
    expect(byName['KAFKA_BROKERS']).toMatch(/host:port/);
    expect(byName['HTTP_PORT']).toBe('must be a valid port');
  });

  it('takes an IANA time zone and refuses anything else', () => {
    const spec = { TZ_UNDER_TEST: timeZone({ default: 'Asia/Shanghai' }) };
    expect(loadConfig(spec, {}).TZ_UNDER_TEST).toBe('Asia/Shanghai');
    expect(loadConfig(spec, { TZ_UNDER_TEST: 'Europe/Paris' }).TZ_UNDER_TEST).toBe('Europe/Paris');
    expect(() => loadConfig(spec, { TZ_UNDER_TEST: 'Mars/Olympus' })).toThrow(ConfigError);
  });

  it('never echoes a value, which may be a secret', () => {
    const err = problemsOf({ ...good, INTERNAL_AUTH_SECRET: 'short-secret-value', MONGODB_URI: 'postgres://user:pw@h/db' });
    expect(err.message).not.toContain('short-secret-value');
    expect(err.message).not.toContain('pw@h');
    expect(err.message).toMatch(/INTERNAL_AUTH_SECRET: must be at least 32 characters/);
  });

  it('lists the variables a deployment must set', () => {
    expect(requiredVariables(serviceEnv).sort()).toEqual(
      ['HTTP_PORT', 'INTERNAL_AUTH_SECRET', 'KAFKA_BROKERS', 'MONGODB_DB', 'MONGODB_URI'].sort(),
    );
  });

  it("reads the Kafka credentials (the chart's KAFKA_SASL_* / KAFKA_TLS names) into the client settings", () => {
    const config = loadConfig(serviceEnv, {
      ...good,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'demo-reporting',
      KAFKA_SASL_PASSWORD: 'pw-from-a-secret',
      KAFKA_TLS: 'true',
    });
    expect(config.KAFKA_SASL_MECHANISM).toBe('SCRAM-SHA-512');
    expect(storeAndBrokerOf(config).broker?.auth).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'demo-reporting', password: 'pw-from-a-secret' },
      ssl: true,
    });
    expect(storeAndBrokerOf(loadConfig(serviceEnv, good)).broker?.auth).toEqual({});
  });

  it("takes the Kafka client id from KAFKA_CLIENT_ID (the chart's `<city>-<service>`), else leaves it to the service name", () => {
    expect(storeAndBrokerOf(loadConfig(serviceEnv, { ...good, KAFKA_CLIENT_ID: 'gz-reporting' })).broker?.clientId).toBe('gz-reporting');
    expect(storeAndBrokerOf(loadConfig(serviceEnv, good)).broker).not.toHaveProperty('clientId');
    expect(problemsOf({ ...good, KAFKA_CLIENT_ID: 'gz reporting' }).problems).toEqual([
      { name: 'KAFKA_CLIENT_ID', rule: 'must be 1-249 letters, digits, ., _ or -' },
    ]);
  });

  it('refuses an unknown mechanism, and a mechanism without its username or password, naming the variable only', () => {
    expect(problemsOf({ ...good, KAFKA_SASL_MECHANISM: 'GSSAPI' }).problems).toEqual([
      { name: 'KAFKA_SASL_MECHANISM', rule: 'must be one of SCRAM-SHA-512, SCRAM-SHA-256, PLAIN' },
    ]);
    const config = loadConfig(serviceEnv, { ...good, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'demo-gateway' });
    expect(() => storeAndBrokerOf(config)).toThrow(ConfigError);
    expect(() => storeAndBrokerOf(config)).toThrow(/KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is set/);
    expect(() => brokerAuthOf({ KAFKA_SASL_PASSWORD: 'pw-from-a-secret' })).toThrow(
      /^invalid configuration: KAFKA_SASL_MECHANISM: is required/,
    );
    try {
      brokerAuthOf({ KAFKA_SASL_PASSWORD: 'pw-from-a-secret' });
    } catch (err) {
      expect(String(err)).not.toContain('pw-from-a-secret');
    }
    expect(() => brokerAuthOf({ KAFKA_TLS_CA_FILE: '/etc/kafka-ca/ca.crt' })).toThrow(
      /KAFKA_TLS_CA_FILE: is set but KAFKA_TLS is not true/,
    );
  });
});
