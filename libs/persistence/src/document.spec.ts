import { describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { defineDocument, field, type DocumentType } from './document.js';

const ProbeSchema = defineDocument({
  collection: 'probes',
  timestamps: true,
  minimize: false,
  fields: {
    name: field.string(),
    kind: field.oneOf(['a', 'b']),
    note: field.string().optional(),
    closedAt: field.date().orNull(),
    count: field.number().default(0),
    open: field.boolean().default(true).required(),
    tags: field.strings(),
    aliases: field.strings().optional(),
    extra: field.mixed<{ n: number }[]>().default(() => []),
  },
});
type Probe = DocumentType<typeof ProbeSchema>;
const Probes = mongoose.model<Probe>('DocumentSpecProbe', ProbeSchema);

describe('defineDocument', () => {
  it('writes each field once as the mongoose path it stands for', () => {
    const path = (name: string) => {
      const p = ProbeSchema.path(name) as unknown as {
        instance: string;
        isRequired: boolean;
        defaultValue?: unknown;
        enumValues?: string[];
      };
      return {
        instance: p.instance,
        required: p.isRequired === true,
        default: p.defaultValue,
        ...(p.enumValues?.length ? { enum: p.enumValues } : {}),
      };
    };
    expect(path('_id')).toEqual({ instance: 'String', required: true, default: undefined });
    expect(path('name')).toEqual({ instance: 'String', required: true, default: undefined });
    expect(path('kind')).toEqual({ instance: 'String', required: true, default: undefined, enum: ['a', 'b'] });
    expect(path('note')).toEqual({ instance: 'String', required: false, default: undefined });
    expect(path('closedAt')).toEqual({ instance: 'Date', required: false, default: null });
    expect(path('count')).toEqual({ instance: 'Number', required: false, default: 0 });
    expect(path('open')).toEqual({ instance: 'Boolean', required: true, default: true });
    expect(path('tags')).toMatchObject({ instance: 'Array', required: true });
    expect(path('aliases')).toEqual({ instance: 'Array', required: false, default: undefined });
  });

  it('keeps the options every document shares, and the ones the spec asks for', () => {
    expect(ProbeSchema.get('collection')).toBe('probes');
    expect(ProbeSchema.get('versionKey')).toBe(false);
    expect(ProbeSchema.get('timestamps')).toBe(true);
    expect(ProbeSchema.get('minimize')).toBe(false);
    expect(defineDocument({ collection: 'plain', fields: {} }).get('minimize')).not.toBe(false);
  });

  it('fills defaults, leaves an optional array absent, and validates required fields and enums', () => {
    const doc = new Probes({ _id: 'p1', name: 'n', kind: 'a', tags: [] });
    expect(doc.validateSync()).toBeUndefined();
    expect(doc.toObject()).toMatchObject({ closedAt: null, count: 0, open: true, extra: [] });
    expect(doc.toObject()).not.toHaveProperty('aliases');
    expect(doc.toObject()).not.toHaveProperty('note');

    const bad = new Probes({ _id: 'p2', kind: 'c', tags: [], open: null });
    expect(Object.keys(bad.validateSync()?.errors ?? {}).sort()).toEqual(['kind', 'name', 'open']);
  });

  it('gives each new document its own default from a function', () => {
    const [a, b] = [new Probes({ _id: 'a' }), new Probes({ _id: 'b' })];
    a.extra.push({ n: 1 });
    expect(b.extra).toEqual([]);
  });
});

describe('the document type derived from the fields', () => {
  it('has a key per field: required ones required, optional ones optional, defaults filled, timestamps added', () => {
    const at = new Date(0);
    const minimal: Probe = {
      _id: 'x',
      name: 'n',
      kind: 'a',
      closedAt: null,
      count: 0,
      open: true,
      tags: [],
      extra: [],
      createdAt: at,
      updatedAt: at,
    };
    const full: Probe = { ...minimal, note: 'x', aliases: ['y'], extra: [{ n: 1 }] };
    // @ts-expect-error `kind` is one of the enum's values
    const wrongKind: Probe = { ...minimal, kind: 'c' };
    // @ts-expect-error `closedAt` is always there (a date or null)
    const noClosedAt: Probe = { _id: 'x', name: 'n', kind: 'a', count: 0, open: true, tags: [], extra: [], createdAt: at, updatedAt: at };
    expect([minimal, full, wrongKind, noClosedAt].map((d) => d._id)).toEqual(['x', 'x', 'x', 'x']);
  });
});
