import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { defaultAsyncApiPath } from './asyncapi.document.js';
import { escapeHtml, renderAsyncApiPage } from './asyncapi.page.js';

const committed = JSON.parse(readFileSync(defaultAsyncApiPath(), 'utf8')) as Record<string, unknown>;

/** A document whose every text field tries to break out of the page. */
const EVIL = `<script>alert(1)</script><img src=x onerror=alert(2)>"' onmouseover="alert(3)`;
const hostile = {
  asyncapi: '3.0.0',
  info: { title: EVIL, version: EVIL, description: `${EVIL}\n\n\`${EVIL}\`` },
  servers: { [EVIL]: { host: EVIL, protocol: EVIL, description: EVIL } },
  channels: {
    [EVIL]: {
      address: EVIL,
      title: EVIL,
      description: EVIL,
      messages: { [EVIL]: { $ref: '#/components/messages/m' } },
      bindings: { kafka: { topicConfiguration: { 'cleanup.policy': [EVIL] } } },
    },
  },
  operations: {
    op: { action: EVIL, title: EVIL, summary: EVIL, channel: { $ref: `#/channels/${EVIL}` } },
  },
  components: {
    messages: {
      m: {
        name: EVIL,
        title: EVIL,
        summary: EVIL,
        contentType: EVIL,
        headers: {
          type: 'object',
          properties: { [EVIL]: { type: 'string', description: EVIL, const: EVIL } },
        },
        payload: {
          $id: EVIL,
          type: 'object',
          required: [EVIL],
          properties: {
            [EVIL]: { type: [EVIL], format: EVIL, enum: [EVIL], pattern: EVIL, description: EVIL },
            list: {
              type: 'array',
              items: {
                type: 'object',
                properties: { [EVIL]: { type: 'string', description: EVIL } },
              },
            },
          },
        },
        correlationId: { location: EVIL },
        bindings: { kafka: { key: { type: 'string', description: EVIL } } },
      },
    },
  },
};

describe('AsyncAPI HTML page', () => {
  const page = renderAsyncApiPage(committed);

  it('shows each topic, message, header, key and payload field of the committed document', () => {
    for (const text of [
      'orgs.units.v1',
      'cn.edu.partybuilding.orgs.unit.created.v1',
      'ce_dataschema',
      'traceparent',
      'correlation-id',
      '$message.header#/correlation-id',
      'unitId',
      'Record key 消息键',
      'https://schemas.partybuilding.edu.cn/events/cn.edu.partybuilding.orgs.unit.created.v1.json',
      'org-registry publishes orgs.units.v1',
      'Analysts and services receive orgs.units.v1',
      '党建工作平台事件',
    ]) {
      expect(page).toContain(escapeHtml(text));
    }
    expect(page).toContain('one of <code>&quot;city-bureau&quot;</code>');
    expect(page).toContain('<code>ce_*</code>');
    expect(page).toContain('<a href="/asyncapi.json">');
    expect(page).toContain(`pattern: <code>${escapeHtml('^[0-9a-f]{2}-[0-9a-f]{32}-')}`);
  });

  it('escapes every text taken from the document: no element, attribute or quote gets through', () => {
    const html = renderAsyncApiPage(hostile);
    expect(html).not.toMatch(/<script|<img|" onmouseover/i);
    expect(html).toContain(escapeHtml('<script>alert(1)</script>'));
    // The only tags are the renderer's own.
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      [
        'a',
        'body',
        'br',
        'code',
        'col',
        'colgroup',
        'dd',
        'dl',
        'dt',
        'h1',
        'h2',
        'h3',
        'h4',
        'h5',
        'head',
        'header',
        'html',
        'li',
        'meta',
        'nav',
        'p',
        'section',
        'span',
        'strong',
        'style',
        'table',
        'tbody',
        'td',
        'th',
        'thead',
        'title',
        'tr',
        'ul',
      ].sort(),
    );
    // Anchors take only safe characters from names.
    for (const [, id] of html.matchAll(/id="([^"]*)"/g)) expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
