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
  const handed: Omit<Notice, 'createdAt'>[] = [];
  const scheduler = {
    fire: (notices: Omit<Notice, 'createdAt'>[]) => {
      handed.push(...notices);
      calls.push({ op: 'fire', arg: notices.map((n) => n.id) });
      return Promise.resolve({ fired: notices.length, cancelled: 0, expired: 0 });
    },
    cancel: (tags: { tag: string; eventId: string }[]) => {
      calls.push({ op: 'cancel', arg: tags });
      return Promise.resolve();
    },
    schedule: (notices: Omit<Notice, 'createdAt'>[]) => {
      handed.push(...notices);
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
  return { engine: new NoticeEngine(catalog, options, scheduler, clock), calls, handed };
}

const item = (id: string, data: { unitId: string; tag: string; mode: string }, time = NOW, traceparent?: string) => ({
  event: { id, type: Happened.type, time: time.toISOString(), ...(traceparent ? { traceparent } : {}) },
  data,
});
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

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

  it('keeps the trace id of each event with its notices, immediate and scheduled, in a run of several traces', async () => {
    const { engine: e, handed } = engine();
    const other = 'a'.repeat(31) + 'b';
    await e.applyAll([
      item('e1', { unitId: 'u1', tag: 'A', mode: 'now' }, NOW, `00-${TRACE}-00f067aa0ba902b7-01`),
      item('e2', { unitId: 'u2', tag: 'B', mode: 'later' }, NOW, `00-${other}-00f067aa0ba902b7-01`),
      item('e3', { unitId: 'u3', tag: 'C', mode: 'now' }),
      item('e4', { unitId: 'u4', tag: 'D', mode: 'now' }, NOW, 'not-a-traceparent'),
    ]);
    expect(Object.fromEntries(handed.map((n) => [n.id, n.traceId]))).toEqual({ e1: TRACE, e2: other, e3: undefined, e4: undefined });
    expect(handed.find((n) => n.id === 'e3')).not.toHaveProperty('traceId');
  });
});
