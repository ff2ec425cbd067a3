/**
 * Consumer compatibility of two versions of one event schema (ADR 0006).
 *
 * Within one event type version a schema may only change so that both of these stay true:
 * - new events still pass the released schema: consumers and analysts who have not upgraded
 *   validate with it and dead-letter what fails;
 * - records already on the topic still pass the new schema: replays, offset resets, compacted
 *   state topics and new analysts read old records with the new schema.
 * In practice: optional fields may be added to open objects, and annotations (description, title,
 * examples) may change. Anything else is breaking and needs a new `.v2` type on a new topic.
 * Keywords this module does not understand are compared as a whole: any change to them is breaking.
 */

/** A JSON Schema as plain JSON (a released file, or the `as const` source). */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export type BreakingRule =
  | 'removed-field'
  | 'changed-type'
  | 'new-required-field'
  | 'no-longer-required'
  | 'narrowed-enum'
  | 'widened-enum'
  | 'tightened-constraint'
  | 'loosened-constraint'
  | 'changed-constraint'
  | 'closed-object'
  | 'opened-object'
  | 'added-field-to-closed-object'
  | 'changed-keyword';

export type NoteRule = 'added-optional-field';

export interface SchemaFinding {
  /** The data field, dotted: `name`, `address.city`, `path[]` (array items), `tags.*` (extra properties); `(root)`. */
  field: string;
  rule: BreakingRule | NoteRule;
  /** What changed and whom it breaks. */
  detail: string;
}

export const NEW_EVENTS_FAIL_OLD_READERS = 'consumers still on the released schema would reject new events';
export const OLD_RECORDS_FAIL_NEW_READERS =
  'records already on the topic would fail the new schema (replays, compacted topics, new analysts)';

const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
/** Bounds where a higher value accepts less. */
const LOWER_BOUNDS = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties']);
/** Bounds where a lower value accepts less. */
const UPPER_BOUNDS = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties']);
const EXACT_CONSTRAINTS = new Set(['pattern', 'format', 'multipleOf', 'const', 'uniqueItems']);
/** Keywords compared structurally below; every other validation keyword must stay as it was. */
const STRUCTURAL = new Set(['type', 'enum', 'properties', 'required', 'additionalProperties', 'items']);

type SchemaObject = { readonly [keyword: string]: unknown };

/** Compares the released schema of an event type with its current one; returns breaking findings and notes. */
export function compareSchemas(released: JsonSchema, current: JsonSchema): SchemaFinding[] {
  const findings: SchemaFinding[] = [];
  compareAt([], released, current, findings);
  return findings;
}

function fieldName(path: readonly string[]): string {
  return path.length === 0 ? '(root)' : path.join('.').replace(/\.\[\]/g, '[]');
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compareAt(path: string[], released: unknown, current: unknown, out: SchemaFinding[]): void {
  const field = fieldName(path);
  const add = (rule: SchemaFinding['rule'], detail: string) => out.push({ field, rule, detail });
  if (!isObject(released) || !isObject(current)) {
    if (canonical(released) !== canonical(current)) add('changed-keyword', `schema changed from ${show(released)} to ${show(current)}`);
    return;
  }
  if (compareTypes(released, current, add)) return; // a field of another type: its inner differences add nothing
  compareEnums(released, current, add);
  const here: Walk = { path, out, add };
  compareObjects(here, released, current);
  compareItems(here, released, current);
  const keywords = new Set([...Object.keys(released), ...Object.keys(current)]);
  for (const kw of keywords) {
    if (ANNOTATIONS.has(kw) || STRUCTURAL.has(kw) || kw.startsWith('x-')) continue;
    compareConstraint(kw, released[kw], current[kw], add);
  }
}

type Add = (rule: SchemaFinding['rule'], detail: string) => void;

function typeSet(schema: SchemaObject): string[] | undefined {
  const t = schema['type'];
  if (t === undefined) return undefined;
  return (Array.isArray(t) ? (t as string[]) : [t as string]).slice().sort();
}

/** Returns true when the type changed. */
function compareTypes(released: SchemaObject, current: SchemaObject, add: Add): boolean {
  const before = typeSet(released);
  const after = typeSet(current);
  if (canonical(before) === canonical(after)) return false;
  const accepts = (set: string[] | undefined, t: string) =>
    set === undefined || set.includes(t) || (t === 'integer' && set.includes('number'));
  const newFailOld = after === undefined || after.some((t) => !accepts(before, t));
  const oldFailNew = before === undefined || before.some((t) => !accepts(after, t));
  const why = [newFailOld ? NEW_EVENTS_FAIL_OLD_READERS : '', oldFailNew ? OLD_RECORDS_FAIL_NEW_READERS : ''].filter(Boolean);
  add('changed-type', `type changed from ${show(before ?? 'any')} to ${show(after ?? 'any')}: ${why.join('; ')}`);
  return true;
}

function compareEnums(released: SchemaObject, current: SchemaObject, add: Add): void {
  const before = released['enum'] as unknown[] | undefined;
  const after = current['enum'] as unknown[] | undefined;
  if (before === undefined && after === undefined) return;
  if (before === undefined) return add('narrowed-enum', `enum ${show(after)} added: ${OLD_RECORDS_FAIL_NEW_READERS}`);
  if (after === undefined) return add('widened-enum', `enum ${show(before)} removed: ${NEW_EVENTS_FAIL_OLD_READERS}`);
  const has = (list: unknown[], v: unknown) => list.some((x) => canonical(x) === canonical(v));
  const removed = before.filter((v) => !has(after, v));
  const added = after.filter((v) => !has(before, v));
  if (removed.length > 0) add('narrowed-enum', `enum value(s) ${removed.map(show).join(', ')} removed: ${OLD_RECORDS_FAIL_NEW_READERS}`);
  if (added.length > 0) add('widened-enum', `enum value(s) ${added.map(show).join(', ')} added: ${NEW_EVENTS_FAIL_OLD_READERS}`);
}

type Openness = 'open' | 'closed' | SchemaObject;

function openness(schema: SchemaObject): Openness {
  const ap = schema['additionalProperties'];
  if (ap === undefined || ap === true) return 'open';
  if (ap === false) return 'closed';
  return ap as SchemaObject;
}

/** Where the comparison stands: the field's path, the findings so far, and how to add one for this field. */
interface Walk {
  path: string[];
  out: SchemaFinding[];
  add: Add;
}

function compareObjects({ path, out, add }: Walk, released: SchemaObject, current: SchemaObject): void {
  const before = (released['properties'] ?? {}) as Record<string, unknown>;
  const after = (current['properties'] ?? {}) as Record<string, unknown>;
  const requiredBefore = new Set((released['required'] ?? []) as string[]);
  const requiredAfter = new Set((current['required'] ?? []) as string[]);
  const wasOpen = openness(released);
  const nowOpen = openness(current);
  const at = (name: string) => ({ field: fieldName([...path, name]) });
  const added = Object.keys(after).filter((name) => !(name in before));

  for (const name of Object.keys(before)) {
    if (name in after) {
      compareAt([...path, name], before[name], after[name], out);
      continue;
    }
    const renamed = added.find((n) => canonical(withoutAnnotations(after[n])) === canonical(withoutAnnotations(before[name])));
    out.push({
      ...at(name),
      rule: 'removed-field',
      detail: `field removed${renamed ? ` (renamed to "${renamed}"?)` : ''}: consumers that read it lose it`,
    });
  }
  for (const name of added) {
    if (wasOpen !== 'open') {
      out.push({
        ...at(name),
        rule: 'added-field-to-closed-object',
        detail: `field added where the released schema limits other fields (additionalProperties): ${NEW_EVENTS_FAIL_OLD_READERS}`,
      });
    } else if (!requiredAfter.has(name)) {
      out.push({ ...at(name), rule: 'added-optional-field', detail: 'optional field added' });
    }
  }
  for (const name of requiredAfter) {
    if (requiredBefore.has(name)) continue;
    const what = name in before ? 'field is now required' : 'new required field';
    out.push({
      ...at(name),
      rule: 'new-required-field',
      detail: `${what}: ${OLD_RECORDS_FAIL_NEW_READERS}`,
    });
  }
  for (const name of requiredBefore) {
    if (requiredAfter.has(name) || !(name in after)) continue;
    out.push({
      ...at(name),
      rule: 'no-longer-required',
      detail: `field no longer required: ${NEW_EVENTS_FAIL_OLD_READERS}`,
    });
  }

  if (wasOpen === 'open' && nowOpen === 'closed')
    add('closed-object', `additionalProperties changed from true to false: ${OLD_RECORDS_FAIL_NEW_READERS}`);
  else if (wasOpen === 'closed' && nowOpen === 'open')
    add('opened-object', `additionalProperties changed from false to true: ${NEW_EVENTS_FAIL_OLD_READERS}`);
  else if (isObject(wasOpen) && isObject(nowOpen)) compareAt([...path, '*'], wasOpen, nowOpen, out);
  else if (canonical(wasOpen) !== canonical(nowOpen))
    add('changed-keyword', `additionalProperties changed from ${show(wasOpen)} to ${show(nowOpen)}`);
}

function compareItems({ path, out, add }: Walk, released: SchemaObject, current: SchemaObject): void {
  const before = released['items'];
  const after = current['items'];
  if (isObject(before) && isObject(after)) return compareAt([...path, '[]'], before, after, out);
  if (canonical(before) !== canonical(after)) add('changed-keyword', `items changed from ${show(before)} to ${show(after)}`);
}

function compareConstraint(kw: string, before: unknown, after: unknown, add: Add): void {
  if (canonical(before) === canonical(after)) return;
  const bounded = LOWER_BOUNDS.has(kw) || UPPER_BOUNDS.has(kw);
  if (bounded || EXACT_CONSTRAINTS.has(kw)) {
    if (before === undefined) return add('tightened-constraint', `${kw} ${show(after)} added: ${OLD_RECORDS_FAIL_NEW_READERS}`);
    if (after === undefined) return add('loosened-constraint', `${kw} ${show(before)} removed: ${NEW_EVENTS_FAIL_OLD_READERS}`);
    if (bounded && typeof before === 'number' && typeof after === 'number') {
      const tighter = LOWER_BOUNDS.has(kw) ? after > before : after < before;
      const verb = after > before ? 'raised' : 'lowered';
      return tighter
        ? add('tightened-constraint', `${kw} ${verb} from ${before} to ${after}: ${OLD_RECORDS_FAIL_NEW_READERS}`)
        : add('loosened-constraint', `${kw} ${verb} from ${before} to ${after}: ${NEW_EVENTS_FAIL_OLD_READERS}`);
    }
    return add('changed-constraint', `${kw} changed from ${show(before)} to ${show(after)}: either side may reject the other's data`);
  }
  add('changed-keyword', `${kw} changed from ${show(before)} to ${show(after)}: this check cannot prove the change safe`);
}

function withoutAnnotations(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !ANNOTATIONS.has(k)));
}
