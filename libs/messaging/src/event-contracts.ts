import { Ajv, type ValidateFunction } from 'ajv';
import { contractOf, validateEventData, type EventContract, type SchemaCheck } from '@pb/contracts';

let ajv: Ajv | undefined;
const compiled = new WeakMap<EventContract, ValidateFunction>();

/**
 * Validates event data against the given contract: the registry's validator when the contract is
 * the registered one, else its own schema (contracts defined outside the registry, in tests).
 */
export function validateAgainst(contract: EventContract, data: unknown): SchemaCheck {
  if (contractOf(contract.type) === contract) return validateEventData(contract.type, data);
  let validate = compiled.get(contract);
  if (!validate) {
    ajv ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    validate = ajv.compile(contract.schema as object);
    compiled.set(contract, validate);
  }
  if (validate(data)) return { ok: true, errors: [] };
  return { ok: false, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`) };
}

/**
 * The contracts a consumer knows: the platform registry, plus extra contracts handed to the
 * transport (tests define their own event types with `defineEvent` without touching the registry).
 */
export class EventContractLookup {
  private readonly extra: Map<string, EventContract>;

  constructor(extra: readonly EventContract[] = []) {
    this.extra = new Map(extra.map((c) => [c.type, c]));
  }

  contractOf(type: string): EventContract | undefined {
    return this.extra.get(type) ?? contractOf(type);
  }

  /** Unknown types fail (a record of a type nobody declared cannot be validated). */
  validate(type: string, data: unknown): SchemaCheck {
    const contract = this.extra.get(type);
    return contract ? validateAgainst(contract, data) : validateEventData(type, data);
  }
}
