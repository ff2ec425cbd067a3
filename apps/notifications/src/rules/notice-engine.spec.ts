import { describe, expect, it } from '@jest/globals';
import { defineEvent } from '@pb/contracts';
import type { NotificationsOptions } from '../options.js';
import type { NoticeScheduler } from '../scheduler/notice-scheduler.js';
import { NotificationCatalog } from './catalog.js';
import type { Notice } from './notice.js';
import { NoticeEngine } from './notice-engine.js';

const Happened = defineEvent({
  type: 'cn.edu.partybuilding.test.notice.happened.v1',
  topic: 'test.notice',
  description: 'test',
  producer: 'test',
  key: { field: 'unitId', description: 'The org unit.' },
  schema: {
    type: 'object',
    required: ['unitId', 'tag', 'mode'],
    properties: { unitId: { type: 'string' }, tag: { type: 'string' }, mode: { type: 'string' } },
  },
});

const NOW = new Date('2031-03-05T02:00:00Z');
const LATER = new Date('2031-03-09T01:00:00Z');

/** now: an immediate notice cancelled by `tag`; later: a reminder cancelled by `tag`; cancel: records `tag`. */
function engine() {
  const catalog = new NotificationCatalog().registerCategory({ id: 'c', critical: false } as never).registerRule(Happened, ({ data }) => {
    const draft = {
      category: 'c',
      template: 't',
      params: {},
      recipients: [{ orgUnitId: data.unitId, roles: ['school-secretary' as const] }],
      unitId: data.unitId,
      unitPath: [data.unitId],
      cancelTags: [data.tag],
    };
    if (data.mode === 'cancel') return [{ cancel: data.tag }];
    return [data.mode === 'later' ? { ...draft, sendAt: LATER } : draft];
  });
  const calls: { op: string; arg: unknown }[] = [];
  const scheduler = {
    fire: (notices: Omit<Notice, 'createdAt'>[]) => {
      calls.push({ op: 'fire', arg: notices.map((n) => n.id) });
      return Promise.resolve({ fired: notices.length, cancelled: 0, expired: 0 });
    },
    cancel: (tags: { tag: string; eventId: string }[]) => {
      calls.push({ op: 'cancel', arg: tags });
      return Promise.resolve();
    },
    schedule: (notices: Omit<Notice, 'createdAt'>[]) => {
      calls.push({ op: 'schedule', arg: notices.map((n) => n.id) });
      return Promise.resolve();
    },
  } as unknown as NoticeScheduler;
  const options = {
    timeZone: 'Asia/Shanghai',
    reminderDays: [3],
    reminderHour: 9,
  } as NotificationsOptions;
  const clock = { now: () => NOW };
  return { engine: new NoticeEngine(catalog, options, scheduler, clock), calls };
}

const item = (id: string, data: { unitId: string; tag: string; mode: string }, time = NOW) => ({
  event: { id, type: Happened.type, time: time.toISOString() },
  data,
});

describe('NoticeEngine.applyAll (a run of events)', () => {
  it('writes once per kind: the immediate notices, the cancel tags, the later notices', async () => {
    const { engine: e, calls } = engine();
    await e.applyAll([
      item('e1', { unitId: 'u1', tag: 'T1', mode: 'now' }),
      item('e2', { unitId: 'u2', tag: 'T2', mode: 'later' }),
      item('e3', { unitId: 'u3', tag: 'T3', mode: 'cancel' }),
      item('e4', { unitId: 'u4', tag: 'T4', mode: 'later' }),
    ]);
    expect(calls).toEqual([
      { op: 'fire', arg: ['e1'] },
      { op: 'cancel', arg: [{ tag: 'T3', eventId: 'e3' }] },
      { op: 'schedule', arg: ['e2', 'e4'] },
    ]);
  });

  it('cancels an immediate notice by a tag of an earlier event in the run, not by a later one, as one event at a time would', async () => {
    const { engine: e, calls } = engine();
    await e.applyAll([
      item('e1', { unitId: 'u1', tag: 'A', mode: 'now' }), // before A is cancelled: sent
      item('e2', { unitId: 'u1', tag: 'A', mode: 'cancel' }),
      item('e3', { unitId: 'u1', tag: 'A', mode: 'now' }), // after: not sent
    ]);
    expect(calls[0]).toEqual({ op: 'fire', arg: ['e1'] });
  });

  it('drops the immediate notices of an event older than maxEventAgeMs (history), not its reminders', async () => {
    const { engine: e, calls } = engine();
    const old = new Date(NOW.getTime() - 8 * 86_400_000);
    await e.applyAll([
      item('e1', { unitId: 'u1', tag: 'A', mode: 'now' }, old),
      item('e2', { unitId: 'u1', tag: 'B', mode: 'later' }, old),
    ]);
    expect(calls).toEqual([
      { op: 'fire', arg: [] },
      { op: 'schedule', arg: ['e2'] },
    ]);
  });
});
