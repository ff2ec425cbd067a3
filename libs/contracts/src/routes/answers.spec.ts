import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { EventContracts } from '../registry.js';
import type { RouteSpec } from './route.js';
import { Routes } from './routes.js';

const ajv = (addFormatsModule as unknown as (ajv: Ajv) => Ajv)(new Ajv({ allErrors: true, strict: false }));
const entries = Object.entries(Routes) as [string, RouteSpec][];

/** Every property named `name` anywhere in a schema, with where it stands. */
function propertiesNamed(name: string, schema: unknown, at: string, found: [string, Record<string, unknown>][] = []) {
  if (Array.isArray(schema)) schema.forEach((s, i) => propertiesNamed(name, s, `${at}/${i}`, found));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value && typeof value === 'object' && name in value) {
        found.push([`${at}/properties/${name}`, (value as Record<string, Record<string, unknown>>)[name]]);
      }
      propertiesNamed(name, value, `${at}/${key}`, found);
    }
  }
  return found;
}

describe('the answers of the route table', () => {
  it("describe a member's flags as the registry answers them: the message in Chinese and English", () => {
    const validate = ajv.compile(Routes.getMembersOne.ok.schema);
    const member = {
      id: 'm1',
      partyOrgId: 'b1',
      unitId: 's1',
      status: 'activist',
      person: { name: '张三', gender: 'male', birthDate: '2000-01-01' },
      milestones: [{ kind: 'application', date: '2020-01-01' }],
      imported: true,
      flags: [
        {
          rule: 'application-to-activist',
          milestone: 'activist',
          related: 'application',
          message: { zh: '间隔过短', en: 'Too soon after the application' },
        },
      ],
      version: 1,
    };
    expect([validate(member), validate.errors ?? null]).toEqual([true, null]);
    expect(validate({ ...member, flags: [{ rule: 'r', milestone: 'activist', message: 'only one language' }] })).toBe(false);
  });

  it('say what dueAt is wherever it stands (answers and event schemas): the first late instant', () => {
    const found = [
      ...entries.flatMap(([id, spec]) => [spec.ok, spec.also].flatMap((a) => (a?.schema ? propertiesNamed('dueAt', a.schema, id) : []))),
      ...EventContracts.flatMap((c) => propertiesNamed('dueAt', c.schema, c.type)),
    ];
    expect(found.length).toBeGreaterThan(4);
    const undocumented = found
      .filter(([, s]) => !(typeof s['description'] === 'string' && /first late instant/i.test(s['description'])))
      .map(([at]) => at);
    expect(undocumented).toEqual([]);
  });

  it('give each answer with a body a JSON Schema that compiles', () => {
    for (const [id, spec] of entries) {
      for (const answer of [spec.ok, spec.also]) {
        if (!answer || answer.status === 204) continue;
        expect([id, answer.schema !== undefined]).toEqual([id, true]);
        expect(() => ajv.compile(answer.schema!)).not.toThrow();
      }
    }
  });
});
