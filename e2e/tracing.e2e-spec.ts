import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReportSubmittedV1, Topics } from '@pb/contracts';
import { api, createUnits, dbOf, e2e, eventually, kafka, mongo, tokenFor, uniqueId } from './support/env.js';
import { buildCity, readToEnd } from './support/orgs.js';
import { startService, type StartedService } from './support/processes.js';

/** One span as OTLP/HTTP JSON carries it, with the `service.name` of the resource that sent it. */
interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
}
type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: (Omit<ExportedSpan, 'service' | 'attributes'> & { attributes?: OtlpAttribute[] })[] }[];
  }[];
}

const valueOf = (v: OtlpValue) => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

const KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;
const TRACE = randomHex(32);
const CALLER_SPAN = randomHex(16);

function randomHex(length: number): string {
  return Array.from({ length }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
}

/** The Asia/Shanghai date now, and a calendar under which a period is open today whatever the day (docs/adr/0026 test). */
function openPeriodToday(): { period: string; calendar: Record<string, unknown> } {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).split('-') as [
    string,
    string,
    string,
  ];
  // Up to the 27th the first half is current and open since the 1st (due by the 27th); after it, the
  // second half, whose 14-day window opened by the 18th.
  const h1 = Number(d) <= 27;
  return {
    period: `${y}-${m}-${h1 ? 'H1' : 'H2'}`,
    calendar: { timeZone: 'Asia/Shanghai', h1DueDay: h1 ? 27 : 14, h2WindowDays: h1 ? 1 : 14, lockAfterDays: 15, extensions: {} },
  };
}

/**
 * docs/adr/0026, on the real broker and store: a gateway, reporting and notifications of their own
 * (own ports, databases and consumer groups) export their spans by OTLP/HTTP JSON to a receiver in
 * this test. A half-month report submitted at that gateway with a known `traceparent` is followed by
 * its trace id through the forwarded call, reporting's write and its Kafka record, to notifications'
 * consumer span and the notice it wrote: the county that reviews the report finds it awaiting review
 * in its inbox, and the notice's delivery names the same trace.
 */
describe('one trace from a submission at the gateway to the notice it causes', () => {
  const spans: ExportedSpan[] = [];
  let receiver: Server;
  const started: StartedService[] = [];
  const spare = Number(process.env['E2E_SPARE_PORT'] ?? '3110') + 20;
  const ports = { gateway: spare, reporting: spare + 1, notifications: spare + 2 };
  const gateway = `http://127.0.0.1:${ports.gateway}`;
  const tracedDb = (service: string) => `${dbOf(service)}_traced`;
  const groups = Object.fromEntries(Object.keys(ports).map((s) => [s, uniqueId(`${s}-${e2e.run}-traced`)])) as Record<
    keyof typeof ports,
    string
  >;

  /** Waits until `groupId` has committed everything now on `topic`: the next record reaches it alone, not in a run with a backlog. */
  async function caughtUp(groupId: string, topic: string) {
    const admin = kafka().admin();
    await admin.connect();
    try {
      await eventually(
        `${groupId} to catch up on ${topic}`,
        async () => {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
          return ends.every((e) => BigInt(e.high) === 0n || (at.get(e.partition) ?? -1n) >= BigInt(e.high)) ? true : null;
        },
        120_000,
      );
    } finally {
      await admin.disconnect();
    }
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces' && /json/.test(req.headers['content-type'] ?? '')) {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
          for (const rs of body.resourceSpans ?? []) {
            const service = String(attributesOf(rs.resource?.attributes)['service.name']);
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? []) spans.push({ ...s, service, attributes: attributesOf(s.attributes) });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const own = (service: keyof typeof ports) => ({
      ...e2e.serviceEnvs[service],
      HTTP_PORT: String(ports[service]),
      MONGODB_DB: tracedDb(service),
      KAFKA_GROUP_ID: groups[service],
      ...otel,
    });
    // No deadline scheduler in the traced reporting: its events would come in runs with the submission's.
    started.push(
      startService('reporting', { ...own('reporting'), REPORTING_TICK_MS: '0' }),
      startService('notifications', own('notifications')),
    );
    started.push(
      startService('gateway', {
        ...own('gateway'),
        REPORTING_URL: `http://127.0.0.1:${ports.reporting}`,
        NOTIFICATIONS_URL: `http://127.0.0.1:${ports.notifications}`,
      }),
    );
    for (const port of Object.values(ports)) {
      await eventually(
        `the traced service on ${port} to be ready`,
        async () => {
          try {
            return (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok ? true : null;
          } catch {
            return null;
          }
        },
        120_000,
      );
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of started) s.child.kill('SIGTERM');
    await Promise.all(started.map((s) => s.exited));
    await new Promise((resolve) => receiver.close(resolve));
  }, 30_000);

  it('carries the caller’s trace id from the gateway through reporting and its Kafka record to the reviewing county’s notice', async () => {
    const { admin, countyIds } = await buildCity(['trace']);
    const county = countyIds['trace'];
    const countyAdmin = await tokenFor(county, ['county-admin']);
    const school = uniqueId('trschool');
    await createUnits(countyAdmin, [[school, 'school', county]]);
    const partyOrg = uniqueId('trpo');
    const made = await api('POST', '/api/v1/party-orgs', {
      token: countyAdmin,
      body: { id: partyOrg, unitId: school, kind: 'branch', name: '追踪党支部', principal: { name: '甲书记' }, deputy: { name: '乙委员' } },
    });
    expect(made.status).toBe(201);

    // The traced reporting's own calendar: a period open today.
    const { period, calendar } = openPeriodToday();
    await eventually('the traced gateway to take the calendar', async () => {
      const res = await api('PUT', '/api/v1/reporting/calendar', { token: admin, body: calendar, base: gateway });
      return res.status === 200 ? res : null;
    });
    const secretary = await tokenFor(school, ['school-secretary']);
    // The traced gateway and reporting learn the school and its party organisation from org-registry's events.
    await eventually(
      'the traced services to know the party organisation',
      async () => {
        const res = await api('PUT', `/api/v1/reports/${partyOrg}/${period}/draft`, {
          token: secretary,
          body: { content: { freeText: '链路追踪草稿' } },
          base: gateway,
        });
        return res.status === 200 ? res : null;
      },
      120_000,
    );

    // One record in the consumer's hands, so its span has that record's trace as parent (a run of
    // records from several traces would only link to them).
    await caughtUp(groups.notifications, Topics.reportingReports);
    const traceparent = `00-${TRACE}-${CALLER_SPAN}-01`;
    const submitted = await api('POST', `/api/v1/reports/${partyOrg}/${period}/submit`, {
      token: secretary,
      body: { content: { freeText: '链路追踪记实' } },
      headers: { traceparent, 'idempotency-key': uniqueId('idem') },
      base: gateway,
    });
    expect(submitted.status).toBe(200);
    const reportId = `${partyOrg}:${period}`;

    // The record reporting published carries the trace in its W3C header.
    const [record] = await eventually('the submission on reporting.reports.v1', async () => {
      const found = await readToEnd(
        [Topics.reportingReports],
        (r) => r.headers['ce_type'] === ReportSubmittedV1.type && r.value['reportId'] === reportId,
      );
      return found.length > 0 ? found : null;
    });
    const eventId = record.headers['ce_id'];
    expect(record.headers['traceparent']).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));

    // What the event caused in notifications: the county that reviews the report is told it awaits
    // review. Its inbox, read through the traced gateway, holds that notice, made from that event; the
    // notice's delivery carries the caller's trace id. (The submission also cancels the report's reminders.)
    const awaiting = await eventually('the county’s notice of the submitted report', async () => {
      const res = await api('GET', '/api/v1/notifications/inbox?category=report-awaiting-review', { token: countyAdmin, base: gateway });
      const items = (res.body['items'] ?? []) as { id: string; noticeId: string; unitId: string; title: string }[];
      return items.find((i) => i.noticeId === eventId) ?? null;
    });
    expect(awaiting).toMatchObject({ unitId: school, title: expect.stringMatching(/^待审核：/) });
    const delivery = await api('GET', `/api/v1/notifications/deliveries/${encodeURIComponent(awaiting.id)}`, {
      token: countyAdmin,
      base: gateway,
    });
    expect(delivery.status).toBe(200);
    expect(delivery.body).toMatchObject({
      eventId,
      traceId: TRACE,
      category: 'report-awaiting-review',
      recipientKey: `unit:${county}`,
      channel: 'inbox',
    });
    const client = await mongo();
    try {
      // Written after the notice, in the same run of the rules.
      const cancellation = await eventually('the report’s reminders cancelled', () =>
        client
          .db(tracedDb('notifications'))
          .collection<{ _id: string; eventId: string }>('notice_cancellations')
          .findOne({ _id: `report-submitted:${reportId}` }),
      );
      expect(cancellation.eventId).toBe(eventId);
    } finally {
      await client.close();
    }

    // The spans of that one trace, from the three services, chained parent to child.
    const ofTrace = () => spans.filter((s) => s.traceId === TRACE);
    const consumed = await eventually('notifications’ consumer span of the event', () =>
      Promise.resolve(
        ofTrace().find(
          (s) => s.service === 'notifications' && s.kind === KIND.consumer && s.attributes['cloudevents.event_id'] === eventId,
        ),
      ),
    );
    const one = (what: string, match: (s: ExportedSpan) => boolean) => {
      const found = ofTrace().filter(match);
      if (found.length !== 1)
        throw new Error(`${what}: ${found.length} spans in ${JSON.stringify(ofTrace().map((s) => [s.service, s.kind, s.name]))}`);
      return found[0];
    };
    const gwServer = one('the gateway’s server span', (s) => s.service === 'gateway' && s.kind === KIND.server);
    expect(gwServer).toMatchObject({ name: 'POST /api/v1/reports/:partyOrgId/:periodId/submit', parentSpanId: CALLER_SPAN });
    expect(gwServer.attributes['http.response.status_code']).toBe(200);
    const gwClient = one('the gateway’s forwarded call', (s) => s.service === 'gateway' && s.kind === KIND.client);
    expect(gwClient).toMatchObject({ parentSpanId: gwServer.spanId, attributes: expect.objectContaining({ 'peer.service': 'reporting' }) });
    const repServer = one('reporting’s server span', (s) => s.service === 'reporting' && s.kind === KIND.server);
    expect(repServer).toMatchObject({ name: 'POST /api/v1/reports/:partyOrgId/:periodId/submit', parentSpanId: gwClient.spanId });
    const created = one(
      'reporting’s create span of the event',
      (s) => s.kind === KIND.producer && s.attributes['messaging.message.id'] === eventId,
    );
    expect(created).toMatchObject({ service: 'reporting', parentSpanId: repServer.spanId, name: 'create reporting.reports.v1' });
    expect(record.headers['traceparent']).toBe(`00-${TRACE}-${created.spanId}-01`);
    expect(consumed).toMatchObject({ parentSpanId: created.spanId, name: 'process reporting.reports.v1' });
    expect(consumed.attributes).toMatchObject({
      'messaging.destination.name': 'reporting.reports.v1',
      'cloudevents.event_type': ReportSubmittedV1.type,
    });
  }, 300_000);
});
