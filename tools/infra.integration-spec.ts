import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureInfra, infraStatus, probeKafka, probeMongo } from '@pb/infra';

// The local path of ARCHITECTURE.md §6: reuse what runs, and fail in one line, never hang.
const statuses = await infraStatus();
const localRunning = statuses.every((s) => s.running && s.healthy);
const itLocal = localRunning ? it : it.skip;
const reason = localRunning ? '' : ' (skipped: the broker and store in use are not the local ones)';

/**
 * A copy of deploy/local in a scratch folder: its own .local, so failures here touch nothing real.
 * With the repository's node_modules linked in unless asked not to (the store's probe loads the driver).
 */
function scratchCopy({ nodeModules = true } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-infra-'));
  mkdirSync(path.join(dir, 'deploy'));
  cpSync(path.join(process.cwd(), 'deploy', 'local'), path.join(dir, 'deploy', 'local'), { recursive: true });
  if (nodeModules) symlinkSync(path.join(process.cwd(), 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function runInfra(cwd: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['deploy/local/infra.mjs', 'start'], { cwd, env, encoding: 'utf8', timeout: 60_000 });
}

describe('local infrastructure scripts', () => {
  let scratch: string;
  let stranger: net.Server;
  let strangerPort: number;

  beforeAll(async () => {
    scratch = scratchCopy();
    stranger = net.createServer((s) => {
      s.on('error', () => undefined);
      s.end('not kafka, not mongo\n');
    });
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const address = stranger.address();
    strangerPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => {
    stranger.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  itLocal(`reuses the healthy broker and store that run, starting nothing${reason}`, async () => {
    const saved = { k: process.env['KAFKA_BROKERS'], m: process.env['MONGODB_URI'] };
    delete process.env['KAFKA_BROKERS'];
    delete process.env['MONGODB_URI'];
    try {
      const infra = await ensureInfra({ log: () => undefined });
      expect(infra.mode).toBe('local');
      expect(infra.started).toEqual([]);
      const [kHost, kPort] = infra.kafkaBrokers.split(':');
      expect(await probeKafka(kHost ?? '', Number(kPort))).toBe(true);
      const mongo = new URL(infra.mongodbUri);
      expect(await probeMongo(mongo.hostname, Number(mongo.port))).toBe(true);
    } finally {
      process.env['KAFKA_BROKERS'] = saved.k;
      process.env['MONGODB_URI'] = saved.m;
    }
  });

  it('uses KAFKA_BROKERS and MONGODB_URI when set, and starts nothing', async () => {
    const saved = { k: process.env['KAFKA_BROKERS'], m: process.env['MONGODB_URI'] };
    process.env['KAFKA_BROKERS'] = 'kafka.example:9092';
    process.env['MONGODB_URI'] = 'mongodb://mongo.example:27017/';
    try {
      expect(await ensureInfra()).toEqual({
        kafkaBrokers: 'kafka.example:9092',
        mongodbUri: 'mongodb://mongo.example:27017/',
        started: [],
        mode: 'env',
      });
    } finally {
      process.env['KAFKA_BROKERS'] = saved.k;
      process.env['MONGODB_URI'] = saved.m;
    }
  });

  it.each([
    [
      'ferretdb',
      'LOCAL_MONGO_PORT',
      /port \d+ is in use by something that is not a healthy MongoDB-compatible server.*\(log: .*ferretdb\.log\)/,
    ],
    ['kafka', 'LOCAL_KAFKA_PORT', /port \d+ is in use by something that is not a healthy Kafka broker.*\(log: .*kafka\.log\)/],
  ])('ends with one line naming the port and the log when a stranger holds the %s port', (_name, variable, message) => {
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      INFRA_MODE: 'local',
      LOCAL_KAFKA_PORT: '1',
      LOCAL_KAFKA_CONTROLLER_PORT: '2',
      LOCAL_MONGO_PORT: '3',
    };
    env[variable] = String(strangerPort);
    // Only the service under test is asked for: the other one is given as already running elsewhere.
    if (variable === 'LOCAL_MONGO_PORT') env['KAFKA_BROKERS'] = '127.0.0.1:1';
    else env['MONGODB_URI'] = 'mongodb://127.0.0.1:1/';
    const r = runInfra(scratch, env);
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it('ends with one line saying to run npm ci when the store probe finds no MongoDB driver', () => {
    const bare = scratchCopy({ nodeModules: false });
    try {
      const r = runInfra(bare, {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        INFRA_MODE: 'local',
        KAFKA_BROKERS: '127.0.0.1:1',
        LOCAL_MONGO_PORT: String(strangerPort),
      });
      expect(r.status).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/needs the mongodb package: run `npm ci` first/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it.each([
    ['java', 'MONGODB_URI', 'mongodb://127.0.0.1:1/'],
    ['go', 'KAFKA_BROKERS', '127.0.0.1:1'],
  ])('ends with one line naming %s when it is missing', (tool, given, value) => {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'pb-path-'));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = runInfra(scratch, {
      PATH: bin,
      HOME: process.env['HOME'] ?? '',
      INFRA_MODE: 'local',
      LOCAL_KAFKA_PORT: '45901',
      LOCAL_KAFKA_CONTROLLER_PORT: '45902',
      LOCAL_MONGO_PORT: '45903',
      [given]: value,
    });
    rmSync(bin, { recursive: true, force: true });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`\\b${tool} not found on PATH`));
  });
});
