import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { CE_HEADER, CONTENT_TYPE_HEADER, CORRELATION_ID_HEADER, TRACEPARENT_HEADER, TRACESTATE_HEADER } from '../cloudevents.js';
import { EventContracts } from '../registry.js';
import { InternalTopics } from '../topics.js';
import { ASYNCAPI_DOCUMENT_PATH, asyncApiJson, buildAsyncApi } from './asyncapi.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'libs/contracts/package.json'), 'utf8')) as { version: string };
const doc = buildAsyncApi(EventContracts, { version });

type Json = Record<string, unknown>;
const at = (pointer: string): unknown =>
  pointer
    .replace(/^#\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
const components = doc['components'] as {
  messages: Record<string, Json>;
  schemas: Record<string, Json>;
};

/** What analysts may subscribe to: every contract but those on internal topics. */
const publicContracts = EventContracts.filter((c) => !InternalTopics.includes(c.topic));

describe('AsyncAPI document (docs/asyncapi/asyncapi.json)', () => {
  it('is committed up to date with the contracts', () => {
    const committed = readFileSync(path.join(ROOT, ASYNCAPI_DOCUMENT_PATH), 'utf8');
    const verdict = committed === asyncApiJson(doc) ? 'up to date' : `${ASYNCAPI_DOCUMENT_PATH} is out of date: run npm run asyncapi`;
    expect(verdict).toBe('up to date');
  });

  it('is a valid AsyncAPI 3.0.0 document (the official JSON Schema from @asyncapi/specs)', () => {
    const require = createRequire(import.meta.url);
    const ajv = (addFormatsModule as unknown as (ajv: Ajv) => Ajv)(new Ajv({ allErrors: true, strict: false }));
    const validate = ajv.compile(require('@asyncapi/specs/schemas/3.0.0-without-$id.json') as Json);
    validate(doc);
    expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)).toEqual([]);
    // The check has teeth: a 2.x verb and a kafka key that is not a schema are refused.
    const broken = JSON.parse(asyncApiJson(doc)) as {
      operations: Record<string, Json>;
      components: { messages: Record<string, Json> };
    };
    (Object.values(broken.operations)[0] ?? {})['action'] = 'publish';
    (Object.values(broken.components.messages)[0] ?? {})['bindings'] = {
      kafka: { key: 42, bindingVersion: '0.5.0' },
    };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/operations\/.+\/action$/),
        expect.stringMatching(/^\/components\/messages\/.+\/bindings\/kafka\/key$/),
      ]),
    );
  });

  it('resolves every $ref, and each operation only names messages of its own channel', () => {
    const refs: string[] = [];
    JSON.stringify(doc, (k, v: unknown) => (k === '$ref' && typeof v === 'string' ? (refs.push(v), v) : v));
    expect(refs.filter((r) => at(r) === undefined)).toEqual([]);
    for (const op of Object.values(doc['operations'] as Record<string, { channel: { $ref: string }; messages: { $ref: string }[] }>)) {
      for (const m of op.messages) expect(m.$ref.startsWith(`${op.channel.$ref}/messages/`)).toBe(true);
    }
  });

  it('leaves out internal topics (the audit of writes may carry personal data)', () => {
    const addresses = Object.values(doc['channels'] as Record<string, Json>).map((ch) => ch['address']);
    for (const topic of InternalTopics) expect(addresses).not.toContain(topic);
  });

  it('has one channel per topic, sent by the producing service and received by analysts', () => {
    for (const c of publicContracts) {
      const [key, channel] = Object.entries(doc['channels'] as Record<string, Json>).find(([, ch]) => ch['address'] === c.topic) ?? [];
      expect(channel?.['messages']).toHaveProperty([c.type]);
      const ops = doc['operations'] as Record<string, Json>;
      expect(ops[`${c.producer}.send.${key}`]?.['action']).toBe('send');
      expect(ops[`analysts.receive.${key}`]?.['action']).toBe('receive');
    }
  });

  it('describes each message: CloudEvents headers (binary mode), the event schema as payload, org unit id as key', () => {
    for (const c of publicContracts) {
      const m = components.messages[c.type] as Json & {
        headers: { properties: Json; required: string[] };
      };
      const headers = [...Object.values(CE_HEADER), CONTENT_TYPE_HEADER, CORRELATION_ID_HEADER, TRACEPARENT_HEADER, TRACESTATE_HEADER];
      expect(Object.keys(m.headers.properties).sort()).toEqual(headers.sort());
      expect(m.headers.properties[CE_HEADER.type]).toMatchObject({ const: c.type });
      expect(m.headers.properties[CE_HEADER.dataschema]).toMatchObject({ const: c.dataschema });
      expect(at((m['payload'] as { $ref: string }).$ref)).toEqual({
        $id: c.dataschema,
        ...(c.schema as object),
      });
      expect(m['bindings']).toMatchObject({ kafka: { key: { type: 'string' } } });
      expect(at((m['correlationId'] as { $ref: string }).$ref)).toMatchObject({
        location: '$message.header#/correlation-id',
      });
    }
  });

  it('gives title and description in Chinese and English', () => {
    const info = doc['info'] as { title: string; description: string };
    for (const text of [info.title, info.description]) {
      expect(text).toMatch(/[A-Za-z]{4}/);
      expect(text).toMatch(/\p{Script=Han}/u);
    }
  });

  it('is announced in docs/analysts.md, which names every topic and event type', () => {
    const page = readFileSync(path.join(ROOT, 'docs/analysts.md'), 'utf8');
    for (const c of publicContracts) {
      expect(page).toContain(`\`${c.topic}\``);
      expect(page).toContain(`\`${c.type}\``);
    }
  });
});
