import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { kafkaAuthOf } from '@pb/messaging';
import { eventHeaders, eventSource, OrgUnitStateV1, Topics } from '@pb/contracts';
import { loadConfig, serviceEnv } from '../config/config.js';
import { domainServiceModule } from '../domain-service.js';
import { runService } from '../bootstrap.js';
import { OrgUnitDirectory } from './org-unit-directory.js';
import { OrgUnitsReadModule } from './org-units-read.module.js';
import type { OrgUnitState, OrgUnitView } from './org-unit-view.schema.js';

// The read model through the platform's consumer machinery, on the real broker and store: a service
// with only OrgUnitsReadModule, fed records of orgs.units.state.v1 as org-registry publishes them.
// Every record of this test goes to partition 0, so a later record's effect proves the earlier ones
// were handled (a replay that changes nothing leaves nothing else to wait for).
const run = randomBytes(3).toString('hex');
const id = (name: string) => `${name}-${run}`;
const [C, K1, K2, S1, S2, U1] = ['city', 'k1', 'k2', 's1', 's2', 'u1'].map(id);

function state(
  unitId: string,
  kind: OrgUnitState['kind'],
  path: string[],
  version: number,
  extra: Partial<OrgUnitState> = {},
): OrgUnitState {
  return {
    unitId,
    code: unitId.toUpperCase(),
    name: unitId,
    kind,
    parentId: path.at(-2) ?? null,
    path,
    level: path.length - 1,
    version,
    ...extra,
  };
}

describe('OrgUnitsReadModule: the org-unit read model fed by orgs.units.state.v1', () => {
  let app: NestFastifyApplication;
  let producer: Producer;
  let directory: OrgUnitDirectory;
  const followed: Pick<OrgUnitView, '_id' | 'path' | 'version' | 'lastEventId'>[] = [];
  const s1Created = randomUUID();

  async function publish(data: OrgUnitState, eventId: string = randomUUID()): Promise<string> {
    const headers = eventHeaders(OrgUnitStateV1, { id: eventId, source: eventSource('org-registry'), subject: `org-units/${data.unitId}` });
    await producer.send({
      topic: Topics.orgUnitsState,
      acks: -1,
      messages: [{ key: data.unitId, partition: 0, value: JSON.stringify(data), headers }],
    });
    return eventId;
  }

  async function applied(unitId: string, version: number): Promise<OrgUnitView> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const unit = await directory.get(unitId);
      if (unit && unit.version >= version) return unit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${unitId} v${version}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    const groupId = `it-org-units-${run}`;
    const kafka = new Kafka({
      clientId: groupId,
      brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
      ...kafkaAuthOf(process.env),
      logLevel: logLevel.NOTHING,
    });
    // Start this group at the end of the shared topic: other runs' units are not this test's.
    const admin = kafka.admin();
    await admin.connect();
    // The state topic is compacted, as org-registry creates it: a test that comes first must not leave it otherwise.
    if (!(await admin.listTopics()).includes(Topics.orgUnitsState)) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: Topics.orgUnitsState, numPartitions: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      });
    }
    await admin.resetOffsets({ groupId, topic: Topics.orgUnitsState, earliest: false });
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const config = loadConfig(serviceEnv, {
      ...process.env,
      HTTP_PORT: '1',
      MONGODB_DB: `it_org_units_${run}`,
      KAFKA_GROUP_ID: groupId,
      INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: process.env['IT_LOG_LEVEL'] ?? 'warn',
    });
    app = await runService(
      domainServiceModule({ service: 'org-units-test', consume: true, features: () => [OrgUnitsReadModule] }, config),
      {
        service: 'org-units-test',
        host: '127.0.0.1',
        port: 0,
        consume: true,
      },
    );
    directory = app.get(OrgUnitDirectory);
    directory.follow((u) => {
      followed.push({ _id: u._id, path: u.path, version: u.version, lastEventId: u.lastEventId });
      return Promise.resolve();
    });
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
  });

  it('builds the tree from the state records: paths, subtrees, children by code, names and bureaus', async () => {
    await publish(state(C, 'city-bureau', [C], 1, { name: '示范市教育局' }));
    await publish(state(K1, 'county-bureau', [C, K1], 1, { name: '东区教育局' }));
    await publish(state(K2, 'county-bureau', [C, K2], 1));
    await publish(state(S1, 'school', [C, K1, S1], 1, { code: 'B', name: '第一中学' }), s1Created);
    await publish(state(S2, 'school', [C, K1, S2], 1, { code: 'A' }));
    await publish(state(U1, 'unit', [C, K1, S1, U1], 1));
    await applied(U1, 1);

    expect(await directory.pathOf(U1)).toEqual([C, K1, S1, U1]);
    expect(await directory.pathOf(id('nowhere'))).toBeNull();
    expect((await directory.subtreeIds(K1)).sort()).toEqual([K1, S1, S2, U1].sort());
    expect((await directory.children(K1)).map((u) => u._id)).toEqual([S2, S1]);
    expect(await directory.names([S1, K1, id('nowhere')])).toEqual(
      new Map([
        [S1, '第一中学'],
        [K1, '东区教育局'],
      ]),
    );
    expect(await directory.bureausOnPaths([[C, K1, S1], [C]])).toEqual([
      [
        { id: C, kind: 'city-bureau' },
        { id: K1, kind: 'county-bureau' },
      ],
      [{ id: C, kind: 'city-bureau' }],
    ]);
    expect(await directory.get(S1)).toMatchObject({
      code: 'B',
      kind: 'school',
      parentId: K1,
      level: 2,
      status: 'open',
      version: 1,
      lastEventId: s1Created,
    });
  });

  it('applies each state once: a re-sent record and an older version change nothing', async () => {
    followed.length = 0;
    const before = await directory.get(S1);
    await publish(state(S1, 'school', [C, K1, S1], 1, { code: 'B', name: '第一中学' }), s1Created); // the relay's re-send
    await publish(state(S1, 'school', [C, K2, S1], 1, { name: '旧名' })); // another record of an old version
    await publish(state(id('sentinel'), 'school', [C, id('sentinel')], 1));
    await applied(id('sentinel'), 1);
    expect(await directory.get(S1)).toEqual(before);
    // The redelivery of the event the unit reflects runs the follow-ups again (to finish one cut short); the old version does not.
    expect(followed.filter((f) => f._id === S1)).toEqual([{ _id: S1, path: [C, K1, S1], version: 1, lastEventId: s1Created }]);
  });

  it('a move rewrites the paths of the moved unit and of its subtree, one record each', async () => {
    followed.length = 0;
    await publish(state(S1, 'school', [C, K2, S1], 2, { code: 'B', name: '第一中学' }));
    await publish(state(U1, 'unit', [C, K2, S1, U1], 2));
    await applied(U1, 2);
    expect((await directory.subtreeIds(K1)).sort()).toEqual([K1, S2].sort());
    expect((await directory.subtreeIds(K2)).sort()).toEqual([K2, S1, U1].sort());
    expect(await directory.get(S1)).toMatchObject({ parentId: K2, level: 2, version: 2 });
    expect(followed.map((f) => [f._id, f.path])).toEqual([
      [S1, [C, K2, S1]],
      [U1, [C, K2, S1, U1]],
    ]);
  });

  it('keeps a closed unit in its place, marked closed', async () => {
    await publish(state(U1, 'unit', [C, K2, S1, U1], 3, { status: 'closed', closedOn: '2027-03-01' }));
    const closed = await applied(U1, 3);
    expect(closed).toMatchObject({ status: 'closed', closedOn: '2027-03-01', path: [C, K2, S1, U1] });
    expect(await directory.pathOf(U1)).toEqual([C, K2, S1, U1]);
    expect(await directory.subtreeIds(S1)).toEqual(expect.arrayContaining([S1, U1]));
  });
});
