import { describe, expect, it } from '@jest/globals';
import { OrgUnitCreatedV1, OrgUnitStateV1 } from '@pb/contracts';
import { KafkaEventServer } from './kafka-event.server.js';
import type { KafkaClient } from './kafka.client.js';
import type { ProcessedEventLedger } from './processed-events.js';

describe('KafkaEventServer.listen', () => {
  it('creates a missing state topic compacted, as its producer would, and the others and the dead letters not', async () => {
    const asked: { topic: string; compacted?: boolean }[][] = [];
    const client = {
      ensureTopics: (topics: { topic: string; compacted?: boolean }[]) => {
        asked.push(topics);
        return Promise.reject(new Error('stop here'));
      },
    } as unknown as KafkaClient;
    const server = new KafkaEventServer(client, {} as ProcessedEventLedger, { groupId: 'g', maxAttempts: 1 });
    for (const c of [OrgUnitStateV1, OrgUnitCreatedV1]) server.addHandler(c.type, () => Promise.resolve(), true);
    const err = await new Promise((resolve) => void server.listen(resolve));
    expect(err).toEqual(new Error('stop here'));
    expect(asked[0]).toEqual([
      { topic: 'orgs.units.state.v1', compacted: true },
      { topic: 'orgs.units.v1', compacted: false },
      { topic: 'orgs.units.state.v1.dlq.g' },
      { topic: 'orgs.units.v1.dlq.g' },
    ]);
  });
});
