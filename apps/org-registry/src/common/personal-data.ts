import { PERSONAL_DATA_READERS } from '@pb/contracts';
import type { Scope } from '@pb/platform';

export { PERSONAL_DATA_READERS };

/**
 * Who reads personal data (names, id numbers, birth dates) over REST (`PERSONAL_DATA_READERS`, one list in
 * the contracts for every service): every role but analysts, who see
 * aggregates and ids only (docs/adr/0005). Member routes refuse analysts (403); where a record is
 * theirs to read but carries a person's name, the name is left out of their view (docs/adr/0017).
 */

export function readsPersonalData(scope: Scope): boolean {
  return scope.has(...PERSONAL_DATA_READERS);
}

/** `view` as `scope` may see it: unchanged for a reader of personal data, else without the names `redact` removes. */
export function personalView<T>(scope: Scope, redact: (view: T) => T): (view: T) => T {
  return readsPersonalData(scope) ? (view) => view : redact;
}
