import type { EventContract } from '../event-contract.js';
import { compareSchemas, type BreakingRule, type JsonSchema, type NoteRule } from './compare-schemas.js';

/** What `npm run contracts:release` keeps of one event type in `libs/contracts/released/<type>.json`. */
export interface ReleasedContract {
  type: string;
  topic: string;
  /** The data field whose value is the record key. */
  key: string;
  schema: JsonSchema;
}

export type ContractRule = BreakingRule | 'removed-type' | 'moved-topic' | 'changed-key';

export interface Finding {
  type: string;
  field: string;
  rule: ContractRule | NoteRule | 'new-type';
  /** `<type> field "<field>": <what changed>: <whom it breaks>` */
  message: string;
}

export interface CompatReport {
  breaking: Finding[];
  /** Not breaking, worth saying: new types, added optional fields. */
  notes: Finding[];
}

export function releasedForm(contract: EventContract): ReleasedContract {
  return {
    type: contract.type,
    topic: contract.topic,
    key: contract.key.field,
    schema: contract.schema,
  };
}

/** The exact text of `libs/contracts/released/<type>.json`. */
export function releasedFileText(released: ReleasedContract): string {
  return `${JSON.stringify(released, null, 2)}\n`;
}

/** The type without its version: `cn.edu.partybuilding.orgs.unit.created`. */
function baseType(type: string): string {
  return type.replace(/\.v\d+$/, '');
}

function finding(type: string, field: string, rule: Finding['rule'], detail: string): Finding {
  return { type, field, rule, message: `${type} field "${field}": ${detail}` };
}

/**
 * Compares every released event type with the current contracts. Breaking: a released type no longer
 * published, moved to another topic, keyed by another field, or with an incompatible schema.
 * A type with no released schema yet passes, as a note.
 */
export function compareContracts(released: readonly ReleasedContract[], current: readonly ReleasedContract[]): CompatReport {
  const report: CompatReport = { breaking: [], notes: [] };
  const currentByType = new Map(current.map((c) => [c.type, c]));
  const releasedTypes = new Set(released.map((r) => r.type));
  for (const r of released) {
    const c = currentByType.get(r.type);
    if (!c) {
      const successor = current.find((x) => baseType(x.type) === baseType(r.type));
      const detail = successor
        ? `type removed while ${successor.type} replaces it: publish both during the deprecation period, then retire it with npm run contracts:release -- --retire ${r.type}`
        : `type no longer published: existing consumers still subscribe to it (retire it with npm run contracts:release -- --retire ${r.type} after the deprecation period)`;
      report.breaking.push(finding(r.type, '(type)', 'removed-type', detail));
      continue;
    }
    if (c.topic !== r.topic) {
      report.breaking.push(
        finding(r.type, '(topic)', 'moved-topic', `moved from topic ${r.topic} to ${c.topic}: consumers subscribe by topic`),
      );
    }
    if (c.key !== r.key) {
      report.breaking.push(
        finding(
          r.type,
          '(key)',
          'changed-key',
          `record key changed from field ${r.key} to ${c.key}: ordering and partitioning per org unit change`,
        ),
      );
    }
    for (const f of compareSchemas(r.schema, c.schema)) {
      const target = f.rule === 'added-optional-field' ? report.notes : report.breaking;
      target.push(finding(r.type, f.field, f.rule, f.detail));
    }
  }
  for (const c of current) {
    if (!releasedTypes.has(c.type)) {
      report.notes.push(
        finding(c.type, '(type)', 'new-type', 'new type, no released schema yet: run npm run contracts:release when it ships'),
      );
    }
  }
  return report;
}
