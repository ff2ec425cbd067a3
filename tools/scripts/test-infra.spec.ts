import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PAIRS, PATHS, REPO_ROOT } from '@pb/infra';
import { INFRA_TIERS, TEST_STATE_ROOT, removeTestPair, startTestPair, testPair, type TestPair } from './test-infra.mjs';

// ADR 0015: the test tiers never write into the platform's broker and store (nor the benchmarks').
const others = [
  { name: 'platform', ...PAIRS.platform },
  { name: 'bench', ...PAIRS.bench },
];
const portsOf = (p: { kafka: number; controller: number; mongo: number }) => [p.kafka, p.controller, p.mongo];

describe("the test tiers' brokers and stores", () => {
  it('the platform keeps 9092/9093/27017 in .local and the benchmarks 19192/19193/27117 in .local/bench', () => {
    expect(PAIRS.platform).toEqual({ dir: '.local', kafka: 9092, controller: 9093, mongo: 27017 });
    expect(PAIRS.bench).toEqual({ dir: '.local/bench', kafka: 19192, controller: 19193, mongo: 27117 });
  });

  it.each(INFRA_TIERS.map((t) => [t]))('the %s tier has ports and a state dir of its own, under .local/test', (tier) => {
    const pair = testPair(tier, {});
    expect(pair.dir).toBe(path.join(REPO_ROOT, '.local', 'test', tier));
    expect(pair.env['LOCAL_INFRA_DIR']).toBe(`.local/test/${tier}`);
    for (const other of others) {
      const otherDir = path.resolve(REPO_ROOT, other.dir);
      // Neither the same dir nor one holding the other's data (.local/data, .local/bench/data).
      expect(pair.dir).not.toBe(otherDir);
      expect(pair.dir.startsWith(path.join(otherDir, 'data'))).toBe(false);
      for (const port of portsOf(pair.ports)) expect(portsOf(other)).not.toContain(port);
    }
    expect(pair.env).toEqual({
      LOCAL_INFRA_DIR: `.local/test/${tier}`,
      LOCAL_KAFKA_PORT: String(pair.ports.kafka),
      LOCAL_KAFKA_CONTROLLER_PORT: String(pair.ports.controller),
      LOCAL_MONGO_PORT: String(pair.ports.mongo),
    });
  });

  it('follows LOCAL_INFRA_DIR set after the settings were loaded (bench/run.mjs selects its pair that way)', () => {
    const before = process.env['LOCAL_INFRA_DIR'];
    try {
      process.env['LOCAL_INFRA_DIR'] = PAIRS.bench.dir;
      expect(PATHS.state).toBe(path.join(REPO_ROOT, '.local', 'bench'));
      expect(PATHS.kafkaData).toBe(path.join(REPO_ROOT, '.local', 'bench', 'data', 'kafka'));
      expect(PATHS.run).toBe(path.join(REPO_ROOT, '.local', 'bench', 'run'));
      delete process.env['LOCAL_INFRA_DIR'];
      expect(PATHS.state).toBe(PATHS.local);
    } finally {
      if (before === undefined) delete process.env['LOCAL_INFRA_DIR'];
      else process.env['LOCAL_INFRA_DIR'] = before;
    }
  });

  it('integration and e2e do not share a port or a dir', () => {
    const [a, b] = INFRA_TIERS.map((t) => testPair(t, {}));
    expect(a.dir).not.toBe(b.dir);
    const all = [...portsOf(a.ports), ...portsOf(b.ports)];
    expect(new Set(all).size).toBe(6);
  });

  it('TEST_INFRA_PORT_OFFSET moves every port, never the dir; a bad value is refused', () => {
    const base = testPair('integration', {});
    const moved = testPair('integration', { TEST_INFRA_PORT_OFFSET: '1000' });
    expect(moved.ports).toEqual({
      kafka: base.ports.kafka + 1000,
      controller: base.ports.controller + 1000,
      mongo: base.ports.mongo + 1000,
    });
    expect(moved.dir).toBe(base.dir);
    expect(() => testPair('integration', { TEST_INFRA_PORT_OFFSET: 'ten' })).toThrow(/TEST_INFRA_PORT_OFFSET=ten/);
    expect(() => testPair('unit', {})).toThrow(/no test pair for the unit tier/);
  });

  describe('a start', () => {
    let stranger: net.Server;
    let strangerPort: number;
    let pair: TestPair;

    beforeAll(async () => {
      stranger = net.createServer((s) => {
        s.on('error', () => undefined);
        s.end('not kafka\n');
      });
      await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
      strangerPort = (stranger.address() as net.AddressInfo).port;
      const dir = path.join(TEST_STATE_ROOT, `unit-check-${process.pid}`);
      // A pair whose Kafka port is held by something else; its other ports are never reached.
      pair = {
        tier: 'unit-check',
        dir,
        ports: { kafka: strangerPort, controller: strangerPort, mongo: strangerPort },
        env: {
          LOCAL_INFRA_DIR: path.relative(REPO_ROOT, dir),
          LOCAL_KAFKA_PORT: String(strangerPort),
          LOCAL_KAFKA_CONTROLLER_PORT: String(strangerPort),
          LOCAL_MONGO_PORT: String(strangerPort),
        },
      };
    });
    afterAll(async () => {
      stranger.close();
      await removeTestPair(pair);
    });

    it('removes what an earlier run left in its dir, then refuses a port it did not open (never reuses what answers there)', async () => {
      mkdirSync(path.join(pair.dir, 'data', 'kafka'), { recursive: true });
      writeFileSync(path.join(pair.dir, 'data', 'kafka', 'leftover.log'), 'a topic of an earlier run\n');

      await expect(startTestPair(pair)).rejects.toThrow(
        new RegExp(`port ${strangerPort} \\(the unit-check tests' Kafka\\) is in use .*TEST_INFRA_PORT_OFFSET`),
      );
      expect(existsSync(pair.dir)).toBe(false);
    });
  });
});
