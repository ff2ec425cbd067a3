import { describe, expect, it } from '@jest/globals';
import { e2e } from './support/env.js';

const services = Object.entries(e2e.serviceEnvs).map(([name, env]) => [name, `http://127.0.0.1:${env['HTTP_PORT']}`] as const);

describe('what operators probe', () => {
  it.each(services)('%s answers /health/live without credentials', async (_name, url) => {
    const res = await fetch(`${url}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it.each(services)('%s is ready and reports its store and Kafka up (docs/adr/0024)', async (_name, url) => {
    const res = await fetch(`${url}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; info: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.info['store']?.status).toBe('up');
    expect(body.info['kafka']?.status).toBe('up');
  });

  it('the gateway is ready on its own store and Kafka, never on the services it forwards to (docs/adr/0024)', async () => {
    const res = await fetch(`${e2e.gateway}/health/ready`);
    const body = (await res.json()) as { info: Record<string, { status: string }> };
    expect(Object.keys(body.info).sort()).toEqual(['kafka', 'store']);
  });

  it.each(services)('%s exposes Prometheus metrics, request durations included', async (_name, url) => {
    await fetch(`${url}/health/live`);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} \d+/m);
  });

  it('echoes the caller correlation id and makes one when none is sent', async () => {
    const sent = await fetch(`${e2e.gateway}/health/live`, { headers: { 'x-correlation-id': 'ops-check-1' } });
    expect(sent.headers.get('x-correlation-id')).toBe('ops-check-1');
    const made = await fetch(`${e2e.gateway}/health/live`);
    expect(made.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the Swagger UI and the OpenAPI document without credentials', async () => {
    const ui = await fetch(`${e2e.gateway}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    const doc = (await (await fetch(`${e2e.gateway}/docs/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/org-units', '/api/v1/org-units/{id}']));
  });
});
