import { ProblemException, type Bilingual, type FieldProblem } from '@pb/platform';

const BASE = 'https://partybuilding.edu.cn/problems';

/** Not found, or outside the caller's subtree: the two are indistinguishable on purpose (no existence leak). */
export const notFound = (what: Bilingual) => new ProblemException(404, `${BASE}/not-found`, what);

export const forbidden = (detail: Bilingual) => new ProblemException(403, `${BASE}/forbidden`, { zh: '无权限', en: 'Forbidden' }, detail);

export const conflict = (detail: Bilingual, errors: FieldProblem[] = []) =>
  new ProblemException(409, `${BASE}/conflict`, { zh: '与当前状态冲突', en: 'Conflicts with the current state' }, detail, errors);

/** A request that is well-formed but breaks a domain rule; each error names the rule. */
export const ruleBroken = (detail: Bilingual, errors: FieldProblem[]) =>
  new ProblemException(422, `${BASE}/rule-violation`, { zh: '违反业务规则', en: 'Breaks a rule' }, detail, errors);

export const busy = () =>
  new ProblemException(503, `${BASE}/busy`, { zh: '组织树正在变更，请稍后重试', en: 'The org tree is being changed; retry shortly' });
