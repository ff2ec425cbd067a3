import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { EventContracts, InternalTopics } from '@pb/contracts';
import { e2e } from './support/env.js';

const committed = readFileSync(path.join(process.cwd(), 'docs', 'asyncapi', 'asyncapi.json'), 'utf8');

describe('the gateway serves the AsyncAPI document, without a token', () => {
  it('as JSON at /asyncapi.json and at /asyncapi by default: the committed file', async () => {
    for (const url of ['/asyncapi.json', '/asyncapi']) {
      const res = await fetch(`${e2e.gateway}${url}`);
      expect([url, res.status, res.headers.get('content-type')]).toEqual([url, 200, 'application/json; charset=utf-8']);
      expect(await res.text()).toBe(committed);
    }
  });

  it('as a readable page at /asyncapi for a browser, naming every topic and event type', async () => {
    const res = await fetch(`${e2e.gateway}/asyncapi`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    for (const c of EventContracts) {
      // Internal topics (the audit of writes) are not for analysts and stay off the page.
      const shown = !InternalTopics.includes(c.topic);
      expect([c.topic, html.includes(c.topic)]).toEqual([c.topic, shown]);
      expect([c.type, html.includes(c.type)]).toEqual([c.type, shown]);
    }
  });
});
