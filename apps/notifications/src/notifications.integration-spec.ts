import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  ReportAcceptedV1,
  ReportExpectedV1,
  ReportOverdueV1,
  ReportReturnedV1,
  ReportSubmittedV1,
  signWebhook,
  eventHeaders,
  eventSource,
  verifyWebhook,
  type EventContract,
} from '@pb/contracts';
import { KafkaClient } from '@pb/messaging';
import { Clock, OrgUnitDirectory, type Identity, type OrgUnitKind } from '@pb/platform';
import { eventually, identity, seedUnit, shanghai as sh, startService, type ServiceUnderTest } from '@pb/testing';
import { EmailChannel } from './delivery/channels/email.channel.js';
import { WebhookChannel } from './delivery/channels/webhook.channel.js';
import { DeliveryWorker } from './delivery/delivery.worker.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { NOTIFICATION_CATALOG, NOTIFICATIONS_OPTIONS } from './options.js';
import { ProfilesService } from './recipients/profiles.service.js';
import { NotificationsModule } from './notifications.module.js';
import { NoticeEngine } from './rules/notice-engine.js';
import { NoticeScheduler } from './scheduler/notice-scheduler.js';
import { C } from './store.js';
import { TestWebhookReceiver } from './test/receiver.js';
import { TestSmtpServer } from './test/smtp.js';

// Notifications on the real store and broker, with the server in UTC and the city in Asia/Shanghai.
// Reporting's events are published on its topic as reporting would; the clock is set by the test and
// the scheduler and the worker run when the test calls tick().
process.env['TZ'] = 'UTC';
const run = randomBytes(3).toString('hex');
const MIN = 60_000;
const DIGEST_MS = 2 * MIN;
const RETRY_MS = 5 * MIN;

// A city, one county with three schools, one city-direct school.
const CITY = `city-${run}`;
const K = `k-${run}`;
const S1 = `s1-${run}`;
const S2 = `s2-${run}`;
const S3 = `s3-${run}`; // city-direct
const S4 = `s4-${run}`;
const pathOf: Record<string, string[]> = {
  [S1]: [CITY, K, S1],
  [S2]: [CITY, K, S2],
  [S4]: [CITY, K, S4],
  [S3]: [CITY, S3],
};
const reviewerOf: Record<string, string> = { [S1]: K, [S2]: K, [S4]: K, [S3]: CITY };
const PERIOD = '2031-03-H1';
const OPENS = sh('2031-03-01T00:00').toISOString();
const DUE = sh('2031-03-13T00:00').toISOString(); // due by the end of the 12th
const po = (school: string) => `po-${school}`;
const reportId = (school: string) => `${po(school)}:${PERIOD}`;

describe('notifications', () => {
  let app: NestFastifyApplication;
  let connection: Connection;
  let now = sh('2031-03-01T08:00');
  const smtp = new TestSmtpServer();
  const receiver = new TestWebhookReceiver();
  let call: ServiceUnderTest['call'];
  const as = identity;
  const secretary = (school: string) => as(school, ['school-secretary']);
  const countyAdmin = as(K, ['county-admin']);
  const cityAdmin = as(CITY, ['city-admin']);

  async function publish(
    contract: EventContract,
    data: Record<string, unknown>,
    id: string = randomUUID(),
    time: Date = now,
    traceparent?: string,
  ) {
    const producer = await app.get(KafkaClient).getProducer();
    const headers = eventHeaders(contract, {
      id,
      source: eventSource('reporting'),
      time: time.toISOString(),
      ...(traceparent ? { traceparent } : {}),
    });
    await producer.send({
      topic: contract.topic,
      acks: -1,
      messages: [{ key: String(data['unitId']), value: JSON.stringify(data), headers }],
    });
    return id;
  }

  const count = (collection: string, filter: object) => connection.collection(collection).countDocuments(filter);
  const inbox = async (who: Identity, query = '') =>
    (await call(who, 'GET', `/api/v1/notifications/inbox${query}`)).body as {
      items: {
        id: string;
        category: string;
        title: string;
        body: string;
        unitId: string;
        readAt: string | null;
      }[];
      nextCursor: string | null;
    };
  const worker = () => app.get(DeliveryWorker);
  const scheduler = () => app.get(NoticeScheduler);

  beforeAll(async () => {
    await smtp.start();
    await receiver.start();
    receiver.now = () => now;
    const module = NotificationsModule.register({
      tickMs: 0,
      timeZone: 'Asia/Shanghai',
      reminderDays: [3, 1],
      reminderHour: 9,
      digestWindowMs: DIGEST_MS,
      retryBaseMs: RETRY_MS,
      retryMaxMs: 60 * MIN,
      maxAttempts: 6,
      batchSize: 200,
      smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'pb <noreply@pb.test>', poolSize: 2 },
      webhookTimeoutMs: 5_000,
    });
    ({ app, call } = await startService(
      { service: 'notifications', consume: true, features: () => [module] },
      { db: `it_notifications_${run}`, groupId: `it-notifications-${run}` },
    ));
    app.get(Clock).now = () => now;
    connection = app.get<Connection>(getConnectionToken());
    const unit = (name: string, kind: OrgUnitKind, path: string[]) => seedUnit(app, { path, kind, name });
    await unit('示范市教育局', 'city-bureau', [CITY]);
    await unit('东区教育局', 'county-bureau', [CITY, K]);
    for (const [s, name] of [
      [S1, '第一中学'],
      [S2, '第二中学'],
      [S3, '市直实验学校'],
      [S4, '第四小学'],
    ] as const)
      await unit(name, 'school', pathOf[s]);

    // E-mail addresses of every unit; S1's system also takes webhooks.
    for (const [who, address] of [
      [secretary(S1), 's1@school.test'],
      [secretary(S2), 's2@school.test'],
      [secretary(S3), 's3@school.test'],
      [secretary(S4), 's4@school.test'],
      [countyAdmin, 'office@k.test'],
      [cityAdmin, 'office@city.test'],
    ] as const) {
      expect(
        (
          await call(who, 'POST', '/api/v1/notifications/endpoints', {
            owner: 'unit',
            channel: 'email',
            address,
          })
        ).status,
      ).toBe(201);
    }
    const hook = await call(secretary(S1), 'POST', '/api/v1/notifications/endpoints', {
      owner: 'unit',
      channel: 'webhook',
      url: receiver.url,
      description: '校内办公系统',
    });
    expect(hook.body.secret).toMatch(/^whsec_/);
    receiver.secret = hook.body.secret as string;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await smtp.stop();
    await receiver.stop();
  });

  const expected = (school: string) => ({
    reportId: reportId(school),
    partyOrgId: po(school),
    unitId: school,
    unitPath: pathOf[school],
    periodId: PERIOD,
    opensAt: OPENS,
    dueAt: DUE,
    reviewers: [reviewerOf[school]],
  });

  it('reminds on the 9th a school that has not submitted H1, and not one that has', async () => {
    for (const s of [S1, S2]) await publish(ReportExpectedV1, expected(s));
    // Two reminders each (the 9th and the 11th at 09:00), kept in the store until they fire.
    await eventually(
      'the reminders to be scheduled',
      async () =>
        (await count(C.scheduled, {
          _id: {
            $in: [
              `${reportId(S1)}/reminder-3d`,
              `${reportId(S2)}/reminder-3d`,
              `${reportId(S1)}/reminder-1d`,
              `${reportId(S2)}/reminder-1d`,
            ],
          },
        })) === 4,
    );
    now = sh('2031-03-05T10:00');
    await publish(ReportSubmittedV1, {
      reportId: reportId(S2),
      partyOrgId: po(S2),
      unitId: S2,
      unitPath: pathOf[S2],
      periodId: PERIOD,
      revision: 1,
      submittedAt: now.toISOString(),
      timeliness: 'on-time',
      reviewers: [K],
    });
    await eventually(
      'the submission to cancel',
      async () => (await count(C.cancellations, { _id: `report-submitted:${reportId(S2)}` })) === 1,
    );
    // The county, which reviews S2, finds the report in its inbox; its e-mail takes this category only on request.
    const awaiting = await eventually('the county told that S2’s report awaits review', async () => {
      const found = await inbox(countyAdmin, '?category=report-awaiting-review');
      return found.items.length > 0 ? found.items : null;
    });
    expect(awaiting).toEqual([expect.objectContaining({ unitId: S2, title: '待审核：第二中学 2031年3月上半月半月记实表' })]);
    expect(await count(C.deliveries, { category: 'report-awaiting-review', unitId: S2, channel: { $ne: 'inbox' } })).toBe(0);

    now = sh('2031-03-08T23:00');
    // Nothing of this run is due yet (the tier's other specs may have scheduled notices of their own:
    // evaluation's rectifications, training's assignments; count this run's reminders only).
    expect(await scheduler().tick()).toMatchObject({ leader: true });
    expect(
      await count(C.scheduled, {
        _id: {
          $in: [`${reportId(S1)}/reminder-3d`, `${reportId(S2)}/reminder-3d`, `${reportId(S1)}/reminder-1d`, `${reportId(S2)}/reminder-1d`],
        },
      }),
    ).toBe(4);
    expect((await inbox(secretary(S1))).items).toHaveLength(0);
    now = sh('2031-03-09T09:00');
    // Two replicas tick together: the lease lets one pass; the reminder fires once.
    const replica = new NoticeScheduler(connection, app.get(NOTIFICATIONS_OPTIONS), app.get(Dispatcher), app.get(Clock));
    const passes = await Promise.all([scheduler().tick(), replica.tick()]);
    expect(passes.filter((p) => p.leader)).toHaveLength(1);
    // (The topic may hold other runs' events: count this run's reminders only.)
    expect(
      await count(C.scheduled, {
        _id: { $in: [`${reportId(S1)}/reminder-3d`, `${reportId(S2)}/reminder-3d`] },
      }),
    ).toBe(0);
    expect(
      await count(C.scheduled, {
        _id: { $in: [`${reportId(S1)}/reminder-1d`, `${reportId(S2)}/reminder-1d`] },
      }),
    ).toBe(2);

    const s1 = await inbox(secretary(S1));
    expect(s1.items).toHaveLength(1);
    expect(s1.items[0]).toMatchObject({ category: 'deadline-reminder', unitId: S1 });
    expect(s1.items[0].title).toBe('提醒：2031年3月上半月半月记实表请于2031年3月12日前报送');
    expect(s1.items[0].body).toContain('第一中学');
    expect((await inbox(secretary(S2))).items).toHaveLength(0);
    const en = await call(secretary(S1), 'GET', '/api/v1/notifications/inbox', undefined, {
      'accept-language': 'en',
    });
    expect(en.body.items[0].title).toBe('Reminder: the half-month report for the first half of March 2031 is due by 12 March 2031');

    // The e-mail waits for the digest window, then goes once; the webhook goes at once, signed.
    expect((await worker().tick()).sent).toBe(1);
    expect(receiver.accepted.map((h) => h.body['category'])).toEqual(['deadline-reminder']);
    now = new Date(now.getTime() + DIGEST_MS);
    expect((await worker().tick()).sent).toBe(1);
    expect(smtp.to('s1@school.test').map((m) => m.subject)).toEqual(['提醒：2031年3月上半月半月记实表请于2031年3月12日前报送']);
    expect(smtp.to('s2@school.test')).toHaveLength(0);
    // A later pass sends nothing again.
    now = new Date(now.getTime() + 60 * MIN);
    expect((await worker().tick()).picked).toBe(0);
  }, 120_000);

  it('sends an overdue alert to the school and its county, and a city-direct school’s to the city, one digest e-mail per bureau', async () => {
    now = sh('2031-03-13T00:01');
    const before = smtp.received.length;
    for (const s of [S1, S2, S4, S3]) {
      const { opensAt: _o, ...data } = expected(s);
      await publish(ReportOverdueV1, data);
    }
    await eventually(
      'the overdue deliveries',
      async () =>
        (await count(C.deliveries, {
          category: 'report-overdue',
          channel: 'inbox',
          unitId: { $in: [S1, S2, S3, S4] },
        })) === 8,
    );
    for (const s of [S1, S2, S3, S4]) {
      expect((await inbox(secretary(s), '?category=report-overdue')).items.map((i) => i.unitId)).toEqual([s]);
    }
    const county = await inbox(countyAdmin, '?category=report-overdue');
    expect(county.items.map((i) => i.unitId).sort()).toEqual([S1, S2, S4].sort());
    expect(county.items.map((i) => i.title)).toContain('逾期未报：第二中学 2031年3月上半月半月记实表');
    const city = await inbox(cityAdmin, '?category=report-overdue');
    expect(city.items.map((i) => i.unitId)).toEqual([S3]);
    // The county's unread count (the three alerts and S2's report awaiting review), then a page of two
    // alerts with a cursor to the third.
    expect((await call(countyAdmin, 'GET', '/api/v1/notifications/inbox/unread-count')).body).toEqual({ unread: 4, critical: 3 });
    const page1 = await inbox(countyAdmin, '?category=report-overdue&limit=2');
    const page2 = await inbox(countyAdmin, `?category=report-overdue&limit=2&cursor=${page1.nextCursor}`);
    expect([...page1.items, ...page2.items].map((i) => i.id).sort()).toEqual(county.items.map((i) => i.id).sort());
    expect(page2.nextCursor).toBeNull();

    now = new Date(now.getTime() + DIGEST_MS);
    const pass = await worker().tick();
    expect(pass.digests).toBeGreaterThanOrEqual(1);
    const mails = smtp.received.slice(before);
    // The county gets one e-mail for its three schools, not three.
    expect(mails.filter((m) => m.to.includes('office@k.test')).map((m) => m.subject)).toEqual(['3所学校逾期未报']);
    expect(mails.find((m) => m.to.includes('office@k.test'))!.text).toContain('第四小学');
    expect(mails.filter((m) => m.to.includes('office@city.test')).map((m) => m.subject)).toEqual([
      '逾期未报：市直实验学校 2031年3月上半月半月记实表',
    ]);
    for (const s of ['s1', 's2', 's3', 's4']) expect(mails.filter((m) => m.to.includes(`${s}@school.test`))).toHaveLength(1);
  }, 120_000);

  it('signs webhooks so a receiver verifies them and rejects a tampered body and a stale timestamp', async () => {
    const hook = receiver.accepted.find((h) => h.body['category'] === 'report-overdue')!;
    expect(hook.body).toMatchObject({
      unitId: S1,
      critical: true,
      title: '逾期未报：第一中学 2031年3月上半月半月记实表',
    });
    const body = JSON.stringify(hook.body);
    const t = Math.floor(now.getTime() / 1000);
    const header = signWebhook(receiver.secret, body, t);
    expect(verifyWebhook(receiver.secret, body, header, { now })).toEqual({
      ok: true,
      timestamp: t,
    });
    expect(verifyWebhook(receiver.secret, body.replace(S1, S2), header, { now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook(receiver.secret, body, header, { now: new Date(now.getTime() + 6 * MIN) })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyWebhook('whsec_other', body, header, { now })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    // A receiver that refuses (wrong secret on its side) makes the delivery fail at once, with the reason.
    const realSecret = receiver.secret;
    receiver.secret = 'whsec_rotated-on-the-school-side';
    await publish(ReportAcceptedV1, {
      reportId: reportId(S1),
      partyOrgId: po(S1),
      unitId: S1,
      unitPath: pathOf[S1],
      periodId: '2031-02-H2',
      revision: 1,
      bureauId: K,
      reviewedAt: now.toISOString(),
    });
    await eventually('the accepted notice', async () => (await inbox(secretary(S1), '?category=report-accepted')).items.length === 1);
    await worker().tick();
    receiver.secret = realSecret;
    const failed = await call(countyAdmin, 'GET', `/api/v1/notifications/delivery-log?kind=failed&channel=webhook`);
    expect(failed.body.items).toEqual([
      expect.objectContaining({
        kind: 'failed',
        error: 'HTTP 401',
        category: 'report-accepted',
        unitId: S1,
      }),
    ]);
  }, 120_000);

  it('retries e-mail while the SMTP server is down and delivers it once it is back', async () => {
    now = sh('2031-03-14T10:00');
    await worker().tick(); // what is due from earlier goes now, so the counts below are this delivery's
    await smtp.stop();
    const eventId = await publish(ReportReturnedV1, {
      reportId: reportId(S2),
      partyOrgId: po(S2),
      unitId: S2,
      unitPath: pathOf[S2],
      periodId: '2031-02-H2',
      revision: 2,
      bureauId: K,
      reviewedAt: now.toISOString(),
      comment: '请补充主题党日的出席人数',
    });
    const deliveryId = `${eventId}:unit:${S2}:email`;
    try {
      await eventually('the returned notice', async () => (await count(C.queue, { deliveryId })) === 1);
      now = new Date(now.getTime() + DIGEST_MS);
      expect(await worker().tick()).toMatchObject({ sent: 0, retried: 1 });
      now = new Date(now.getTime() + RETRY_MS);
      expect(await worker().tick()).toMatchObject({ sent: 0, retried: 1 });
      // Not due yet (the second retry waits twice as long): nothing is attempted.
      now = new Date(now.getTime() + RETRY_MS);
      expect((await worker().tick()).picked).toBe(0);
    } finally {
      await smtp.start();
    }
    now = new Date(now.getTime() + RETRY_MS);
    expect(await worker().tick()).toMatchObject({ sent: 1, retried: 0 });
    expect(smtp.to('s2@school.test').filter((m) => m.subject.startsWith('退回修改'))).toHaveLength(1);
    expect(smtp.to('s2@school.test').find((m) => m.subject.startsWith('退回修改'))!.text).toContain('请补充主题党日的出席人数');

    const detail = await call(countyAdmin, 'GET', `/api/v1/notifications/deliveries/${encodeURIComponent(deliveryId)}`);
    expect(detail.body).toMatchObject({ status: 'sent', attempts: 3, channel: 'email' });
    expect(detail.body.history.map((h: { kind: string }) => h.kind)).toEqual(['retry', 'retry', 'sent']);
    expect(detail.body.history[0].error).toMatch(/ECONNREFUSED/);
    const retried = await call(
      countyAdmin,
      'GET',
      `/api/v1/notifications/delivery-log?kind=retry&delivery=${encodeURIComponent(deliveryId)}`,
    );
    expect(retried.body.items).toHaveLength(2);
    // A later pass, and a second replica's worker, send nothing more.
    now = new Date(now.getTime() + 24 * 60 * MIN);
    expect((await worker().tick()).sent).toBe(0);
  }, 120_000);

  it('creates one notice per recipient and channel when the same event arrives twice', async () => {
    now = sh('2031-03-15T10:00');
    const data = {
      reportId: reportId(S4),
      partyOrgId: po(S4),
      unitId: S4,
      unitPath: pathOf[S4],
      periodId: '2031-02-H2',
      revision: 1,
      bureauId: K,
      reviewedAt: now.toISOString(),
      comment: '格式有误',
    };
    const eventId = randomUUID();
    await publish(ReportReturnedV1, data, eventId);
    await publish(ReportReturnedV1, data, eventId);
    await eventually('the returned notice', async () => (await inbox(secretary(S4), '?category=report-returned')).items.length >= 1);
    // As if the consumer crashed after the effect and before its ledger mark: the handler runs again.
    await app.get(NoticeEngine).apply({ id: eventId, type: ReportReturnedV1.type, time: now.toISOString() }, data);
    await Promise.all([
      app.get(NoticeEngine).apply({ id: eventId, type: ReportReturnedV1.type, time: now.toISOString() }, data),
      app.get(NoticeEngine).apply({ id: eventId, type: ReportReturnedV1.type, time: now.toISOString() }, data),
    ]);
    expect(await count(C.deliveries, { eventId })).toBe(2); // inbox + e-mail of S4
    expect((await inbox(secretary(S4), '?category=report-returned')).items).toHaveLength(1);
    now = new Date(now.getTime() + DIGEST_MS);
    // Two replicas' workers at once: each attempt is claimed by one.
    const second = new DeliveryWorker(
      connection,
      app.get(NOTIFICATIONS_OPTIONS),
      app.get(NOTIFICATION_CATALOG),
      app.get(EmailChannel),
      app.get(WebhookChannel),
      app.get(ProfilesService),
      app.get(OrgUnitDirectory),
      app.get(Clock),
    );
    const passes = await Promise.all([worker().tick(), second.tick()]);
    expect(passes[0].sent + passes[1].sent).toBe(1);
    expect(smtp.to('s4@school.test').filter((m) => m.subject.startsWith('退回修改'))).toHaveLength(1);
  }, 120_000);

  it('follows preferences: a muted category stays out of e-mail, critical ones cannot be muted, quiet hours delay only the non-critical', async () => {
    const refused = await call(secretary(S3), 'PUT', '/api/v1/notifications/preferences/unit', {
      categories: { 'report-overdue': { email: false } },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({
      pointer: '/categories/report-overdue/email',
      rule: 'const',
    });
    const set = await call(secretary(S3), 'PUT', '/api/v1/notifications/preferences/unit', {
      categories: { 'report-accepted': { email: false } },
      quietHours: { start: '22:00', end: '07:00' },
    });
    expect(set.status).toBe(200);
    expect((await call(secretary(S3), 'GET', '/api/v1/notifications/preferences/unit')).body).toMatchObject({
      categories: { 'report-accepted': { email: false } },
      quietHours: { start: '22:00', end: '07:00' },
    });

    now = sh('2031-03-16T23:00');
    const accepted = await publish(ReportAcceptedV1, {
      reportId: reportId(S3),
      partyOrgId: po(S3),
      unitId: S3,
      unitPath: pathOf[S3],
      periodId: '2031-02-H2',
      revision: 1,
      bureauId: CITY,
      reviewedAt: now.toISOString(),
    });
    const returned = await publish(ReportReturnedV1, {
      reportId: reportId(S3),
      partyOrgId: po(S3),
      unitId: S3,
      unitPath: pathOf[S3],
      periodId: '2031-03-H1',
      revision: 1,
      bureauId: CITY,
      reviewedAt: now.toISOString(),
      comment: '请重报',
    });
    await eventually(
      'both notices in the inbox',
      async () =>
        (await count(C.deliveries, {
          eventId: { $in: [accepted, returned] },
          channel: 'inbox',
        })) === 2,
    );
    expect(await count(C.deliveries, { eventId: accepted, channel: 'email' })).toBe(0);
    const queued = await connection.collection(C.queue).findOne({ deliveryId: `${returned}:unit:${S3}:email` });
    // Critical: quiet hours do not hold it back, only the digest window does.
    expect(queued?.['nextAttemptAt']).toEqual(new Date(now.getTime() + DIGEST_MS));

    // An account that registered its own address gets a non-critical notice after its quiet hours.
    const person = as(S3, ['school-secretary'], `acct-person-${run}`);
    await call(person, 'POST', '/api/v1/notifications/endpoints', {
      owner: 'account',
      channel: 'email',
      address: 'li@s3.test',
    });
    await call(person, 'PUT', '/api/v1/notifications/preferences/account', {
      quietHours: { start: '22:00', end: '07:00' },
      locale: 'en',
    });
    const accepted2 = await publish(ReportAcceptedV1, {
      reportId: reportId(S3),
      partyOrgId: po(S3),
      unitId: S3,
      unitPath: pathOf[S3],
      periodId: '2031-03-H1',
      revision: 2,
      bureauId: CITY,
      reviewedAt: now.toISOString(),
    });
    const personal = await eventually('the account e-mail', () =>
      connection.collection(C.queue).findOne({ deliveryId: `${accepted2}:acct:${person.sub}:email` }),
    );
    expect(personal['nextAttemptAt']).toEqual(sh('2031-03-17T07:00'));
    now = sh('2031-03-17T07:00');
    await worker().tick();
    expect(smtp.to('li@s3.test').map((m) => m.subject)).toEqual(['Accepted: half-month report for the first half of March 2031']);
  }, 120_000);

  it('e-mails a bureau the reports awaiting its review once it asks for it, several schools in one digest', async () => {
    const on = await call(countyAdmin, 'PUT', '/api/v1/notifications/preferences/unit', {
      categories: { 'report-awaiting-review': { email: true } },
    });
    expect(on.status).toBe(200);
    const before = smtp.to('office@k.test').length;
    const ids: string[] = [];
    // Each submission as reporting publishes it while tracing: in a trace of its own.
    const traces = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    for (const [i, school] of [S1, S4].entries()) {
      ids.push(
        await publish(
          ReportSubmittedV1,
          {
            reportId: `${po(school)}:2031-03-H2`,
            partyOrgId: po(school),
            unitId: school,
            unitPath: pathOf[school],
            periodId: '2031-03-H2',
            revision: 1,
            submittedAt: now.toISOString(),
            timeliness: 'on-time',
            reviewers: [K],
          },
          randomUUID(),
          now,
          `00-${traces[i]}-${randomBytes(8).toString('hex')}-01`,
        ),
      );
    }
    await eventually('both e-mails queued', async () => (await count(C.queue, { noticeId: { $in: ids }, channel: 'email' })) === 2);
    now = new Date(now.getTime() + DIGEST_MS);
    await worker().tick();
    expect(
      smtp
        .to('office@k.test')
        .slice(before)
        .map((m) => m.subject),
    ).toEqual(['2份半月记实表待审核']);
    // Every delivery of a notice keeps the trace of the event that caused it, shown to the bureau.
    for (const [i, eventId] of ids.entries()) {
      expect(await count(C.deliveries, { eventId, traceId: traces[i] })).toBe(2); // inbox + e-mail
      const detail = await call(countyAdmin, 'GET', `/api/v1/notifications/deliveries/${encodeURIComponent(`${eventId}:unit:${K}:inbox`)}`);
      expect(detail.body).toMatchObject({ eventId, traceId: traces[i], category: 'report-awaiting-review' });
    }
  }, 60_000);

  it('gives no notice for an event from history (a new consumer group replays the topic)', async () => {
    const old = await publish(
      ReportReturnedV1,
      {
        reportId: reportId(S4),
        partyOrgId: po(S4),
        unitId: S4,
        unitPath: pathOf[S4],
        periodId: '2030-12-H2',
        revision: 1,
        bureauId: K,
        reviewedAt: now.toISOString(),
        comment: '旧事',
      },
      randomUUID(),
      new Date(now.getTime() - 30 * 24 * 60 * MIN),
    );
    await eventually('the old event to be consumed', async () => (await count('processed_events', { eventId: old })) === 1);
    expect(await count(C.deliveries, { eventId: old })).toBe(0);
  }, 60_000);

  it('gives each bureau the delivery log of its subtree, and a school only what was sent to it', async () => {
    const county = (await call(countyAdmin, 'GET', '/api/v1/notifications/delivery-log?limit=500')).body.items as {
      unitId: string;
      kind: string;
    }[];
    expect(county.length).toBeGreaterThan(0);
    expect(new Set(county.map((i) => i.unitId))).toEqual(new Set([S1, S2, S4]));
    expect(new Set(county.map((i) => i.kind))).toEqual(new Set(['delivered', 'sent', 'retry', 'failed']));
    const city = (await call(cityAdmin, 'GET', '/api/v1/notifications/delivery-log?limit=500')).body.items as { unitId: string }[];
    expect(new Set(city.map((i) => i.unitId))).toEqual(new Set([S1, S2, S3, S4]));
    // A school reads what was sent to it.
    const s3 = (await call(secretary(S3), 'GET', '/api/v1/notifications/delivery-log?limit=500')).body.items as { recipientKey: string }[];
    expect(new Set(s3.map((i) => i.recipientKey))).toEqual(new Set([`unit:${S3}`]));
    // A unit outside the bureau's subtree answers 404, like elsewhere on the platform.
    expect((await call(countyAdmin, 'GET', `/api/v1/notifications/delivery-log?unit=${S3}`)).status).toBe(404);
    // Reading an inbox notice is logged too.
    const item = (await inbox(secretary(S1))).items[0];
    expect(
      (await call(secretary(S1), 'POST', `/api/v1/notifications/inbox/${encodeURIComponent(item.id)}/read`)).body.readAt,
    ).not.toBeNull();
    expect((await call(secretary(S2), 'POST', `/api/v1/notifications/inbox/${encodeURIComponent(item.id)}/read`)).status).toBe(404);
    const read = (await call(countyAdmin, 'GET', `/api/v1/notifications/delivery-log?kind=read&unit=${S1}`)).body.items;
    expect(read).toEqual([expect.objectContaining({ deliveryId: item.id, kind: 'read' })]);
    await call(secretary(S1), 'POST', `/api/v1/notifications/inbox/${encodeURIComponent(item.id)}/archive`);
    expect((await inbox(secretary(S1))).items.map((i) => i.id)).not.toContain(item.id);
    expect((await inbox(secretary(S1), '?archived=true')).items.map((i) => i.id)).toContain(item.id);
  }, 60_000);
});
