import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { KAFKA_PRINCIPALS, kafkaUsers, kafkaUsersFile, localKafkaAuthEnv } from '@pb/infra';

// The local broker's principals and passwords (deploy/local/kafka.mjs, docs/adr/0025): made once per
// state dir, kept out of git and readable by the owner only.
describe('the local Kafka principals', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'kafka-users-'));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('has an admin, one principal per service and the analyst', () => {
    expect([...KAFKA_PRINCIPALS].sort()).toEqual(
      ['admin', 'analyst', 'evaluation', 'gateway', 'notifications', 'org-registry', 'reporting', 'training'].sort(),
    );
  });

  it('makes a distinct random password per principal at the first start, into a file only its owner reads, and keeps them', () => {
    expect(kafkaUsers({ stateDir })).toBeNull();
    const made = kafkaUsers({ create: true, stateDir });
    expect(made?.mechanism).toBe('SCRAM-SHA-512');
    const passwords = Object.values(made?.users ?? {});
    expect(Object.keys(made?.users ?? {}).sort()).toEqual([...KAFKA_PRINCIPALS].sort());
    expect(new Set(passwords).size).toBe(passwords.length);
    for (const p of passwords) expect(p.length).toBeGreaterThanOrEqual(24);
    expect(statSync(kafkaUsersFile(stateDir)).mode & 0o077).toBe(0);
    expect(kafkaUsers({ create: true, stateDir })).toEqual(made);
  });

  it("gives a principal's KAFKA_SASL_* variables, and none for a broker without a users file", () => {
    const users = kafkaUsers({ stateDir });
    expect(localKafkaAuthEnv('analyst', { stateDir })).toEqual({
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'analyst',
      KAFKA_SASL_PASSWORD: users?.users['analyst'],
    });
    expect(localKafkaAuthEnv('nobody', { stateDir })).toEqual({});
    expect(localKafkaAuthEnv('analyst', { stateDir: path.join(stateDir, 'elsewhere') })).toEqual({});
  });
});
