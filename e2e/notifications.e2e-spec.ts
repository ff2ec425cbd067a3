import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'kafkajs';
import {
  ReportAcceptedV1,
  ReportReturnedV1,
  eventHeaders,
  eventSource,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  type EventContract,
} from '@pb/contracts';
import { api, eventually, kafka, tokenFor, uniqueId } from './support/env.js';

// Through the gateway: reporting's review events (published here as reporting does) reach the
// notifications service over Kafka; the school reads them in its inbox, sets preferences, receives a
// signed webhook from the running worker; its county reads the delivery log of its subtree.
describe('notifications through the gateway', () => {
  const city = uniqueId('city');
  const county = uniqueId('county');
  const school = uniqueId('school');
  const partyOrg = uniqueId('po');
  let producer: Producer;
  let secretary: string;
  let countyAdmin: string;
  let otherCounty: string;
  let receiver: Server;
  let port = 0;
  const hooks: { raw: string; signature: string }[] = [];

  async function publish(contract: EventContract, data: Record<string, unknown>) {
    const id = randomUUID();
    const headers = eventHeaders(contract, { id, source: eventSource('reporting') });
    await producer.send({
      topic: contract.topic,
      acks: -1,
      messages: [{ key: school, value: JSON.stringify(data), headers }],
    });
    return id;
  }
  const review = (comment?: string) => ({
    reportId: `${partyOrg}:2030-05-H1`,
    partyOrgId: partyOrg,
    unitId: school,
    unitPath: [city, county, school],
    periodId: '2030-05-H1',
    revision: 1,
    bureauId: county,
    reviewedAt: new Date().toISOString(),
    ...(comment ? { comment } : {}),
  });

  beforeAll(async () => {
    producer = kafka().producer();
    await producer.connect();
    secretary = await tokenFor(school, ['school-secretary']);
    countyAdmin = await tokenFor(county, ['county-admin']);
    otherCounty = await tokenFor(uniqueId('county'), ['county-admin']);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers[WEBHOOK_SIGNATURE_HEADER]),
        });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    port = (receiver.address() as { port: number }).port;
  });
  afterAll(async () => {
    await producer.disconnect();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('puts a returned report in the school inbox, in Chinese by default and in English on request', async () => {
    await publish(ReportReturnedV1, review('请补充三会一课记录'));
    const list = await eventually('the returned notice in the inbox', async () => {
      const res = await api('GET', '/api/v1/notifications/inbox', { token: secretary });
      return (res.body['items'] as unknown[]).length > 0 ? res : null;
    });
    const item = (list.body['items'] as Record<string, unknown>[])[0];
    expect(item).toMatchObject({
      category: 'report-returned',
      critical: true,
      title: '退回修改：2030年5月上半月半月记实表',
    });
    expect(item['body']).toContain('请补充三会一课记录');
    const en = await api('GET', '/api/v1/notifications/inbox', {
      token: secretary,
      headers: { 'accept-language': 'en' },
    });
    expect((en.body['items'] as Record<string, unknown>[])[0]['title']).toBe(
      'Returned for revision: half-month report for the first half of May 2030',
    );
    expect((await api('GET', '/api/v1/notifications/inbox/unread-count', { token: secretary })).body).toEqual({ unread: 1, critical: 1 });

    const read = await api('POST', `/api/v1/notifications/inbox/${encodeURIComponent(String(item['id']))}/read`, { token: secretary });
    expect(read.status).toBe(200);
    expect((await api('GET', '/api/v1/notifications/inbox/unread-count', { token: secretary })).body).toEqual({ unread: 0, critical: 0 });
    // Another unit's account cannot touch it.
    expect(
      (await api('POST', `/api/v1/notifications/inbox/${encodeURIComponent(String(item['id']))}/archive`, { token: countyAdmin })).status,
    ).toBe(404);
    await api('POST', `/api/v1/notifications/inbox/${encodeURIComponent(String(item['id']))}/archive`, { token: secretary });
    expect((await api('GET', '/api/v1/notifications/inbox', { token: secretary })).body['items']).toEqual([]);
  });

  it('refuses to mute a critical category and keeps other preferences', async () => {
    const refused = await api('PUT', '/api/v1/notifications/preferences/unit', {
      token: secretary,
      body: { categories: { 'report-returned': { webhook: false } } },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const ok = await api('PUT', '/api/v1/notifications/preferences/unit', {
      token: secretary,
      body: {
        categories: { 'deadline-reminder': { email: false } },
        quietHours: { start: '22:00', end: '07:00' },
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      quietHours: { start: '22:00', end: '07:00' },
      categories: { 'deadline-reminder': { email: false } },
    });
    // No quiet hours for what follows: a non-critical webhook would wait for 07:00 otherwise.
    const cleared = await api('PUT', '/api/v1/notifications/preferences/unit', {
      token: secretary,
      body: { quietHours: null },
    });
    expect(cleared.body).toMatchObject({
      quietHours: null,
      categories: { 'deadline-reminder': { email: false } },
    });
  });

  it("sends a signed webhook to the school's system from the running worker", async () => {
    const created = await api('POST', '/api/v1/notifications/endpoints', {
      token: secretary,
      body: { owner: 'unit', channel: 'webhook', url: `http://127.0.0.1:${port}/pb` },
    });
    expect(created.status).toBe(201);
    const secret = String(created.body['secret']);
    const listed = await api('GET', '/api/v1/notifications/endpoints', { token: secretary });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    await publish(ReportAcceptedV1, review());
    const hook = await eventually('the webhook', () => Promise.resolve(hooks[0]), 60_000);
    expect(verifyWebhook(secret, hook.raw, hook.signature)).toMatchObject({ ok: true });
    expect(JSON.parse(hook.raw)).toMatchObject({
      category: 'report-accepted',
      unitId: school,
      critical: false,
    });
    expect(verifyWebhook(secret, hook.raw.replace('accepted', 'returned'), hook.signature)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('gives the county the delivery log of its school, and another county nothing', async () => {
    const log = await eventually('the webhook in the log', async () => {
      const res = await api('GET', '/api/v1/notifications/delivery-log', {
        token: countyAdmin,
      });
      const items = res.body['items'] as { kind: string }[];
      return items.some((i) => i.kind === 'sent') ? items : null;
    });
    expect(new Set(log.map((i) => i.kind))).toEqual(new Set(['delivered', 'read', 'archived', 'sent']));
    expect(
      (
        await api('GET', '/api/v1/notifications/delivery-log', {
          token: otherCounty,
        })
      ).body['items'],
    ).toEqual([]);
  });
});
