import { describe, expect, it } from '@jest/globals';
import { e2e, eventually, kafka, uniqueId } from './support/env.js';
import { startService } from './support/processes.js';

describe('service lifecycle', () => {
  it.each([
    ['KAFKA_BROKERS', 'kafka-without-port', /KAFKA_BROKERS: must be host:port/],
    ['MONGODB_URI', 'postgres://db/x', /MONGODB_URI: must be a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/],
    ['HTTP_PORT', undefined, /HTTP_PORT: is required/],
    ['INTERNAL_AUTH_SECRET', 'too-short', /INTERNAL_AUTH_SECRET: must be at least 32 characters/],
  ])('stops at boot with one line naming %s and its rule', async (name, value, line) => {
    const env: Record<string, string> = { ...e2e.serviceEnvs['org-registry'] };
    if (value === undefined) delete env[name];
    else env[name] = value;
    const svc = startService('org-registry', env);
    const { code } = await svc.exited;
    expect(code).toBe(1);
    const lines = svc.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^org-registry: failed to start: invalid configuration: /);
    expect(lines[0]).toMatch(line);
  });

  it('on SIGTERM fails readiness, leaves its consumer group and exits cleanly before the hard stop', async () => {
    const groupId = uniqueId(`reporting-lifecycle-${e2e.run}`);
    const spare = process.env['E2E_SPARE_PORT'] ?? '3110';
    const env = { ...e2e.serviceEnvs['reporting'], HTTP_PORT: spare, KAFKA_GROUP_ID: groupId, LOG_LEVEL: 'info' } as Record<string, string>;
    const svc = startService('reporting', env);
    await eventually(
      'the service to be ready',
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${spare}/health/ready`)).ok ? true : null;
        } catch {
          return null;
        }
      },
      60_000,
    );
    const admin = kafka().admin();
    await admin.connect();
    try {
      await eventually(
        'the consumer to join its group',
        async () => {
          const { groups } = await admin.describeGroups([groupId]);
          return groups[0]?.state === 'Stable' ? true : null;
        },
        60_000,
      );
      svc.child.kill('SIGTERM');
      const { code } = await svc.exited;
      // Exit code 0 means the graceful path finished; the hard stop (at most 9.5 s) exits with 1.
      expect(code).toBe(0);
      expect(svc.out()).toMatch(/SIGTERM received, shutting down/);
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0]?.members).toEqual([]);
    } finally {
      await admin.disconnect();
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    }
  });
});
