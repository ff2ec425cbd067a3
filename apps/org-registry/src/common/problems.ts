import { problem, type Bilingual, type FieldProblem } from '@pb/platform';

/** Not found, or outside the caller's subtree: the two are indistinguishable on purpose (no existence leak). */
export const notFound = (what: Bilingual) => problem.notFound(what);

export const forbidden = (detail: Bilingual) => problem.forbidden(detail);

export const conflict = (detail: Bilingual, errors: FieldProblem[] = []) => problem.conflict(detail, errors);

/** A request that is well-formed but breaks a domain rule; each error names the rule. */
export const ruleBroken = (detail: Bilingual, errors: FieldProblem[]) => problem.ruleViolation(detail, errors);

export const busy = () => problem.busy();
