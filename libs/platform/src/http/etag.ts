import { ProblemException, problem } from './problem.js';

/** The ETag of a versioned resource: its version, as a strong entity tag. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Answers a versioned resource with its ETag (for a later If-Match); `reply` is the HTTP reply. */
export function withEtag<T extends { version: number }>(reply: { header(name: string, value: string): unknown }, resource: T): T {
  void reply.header('etag', etagOf(resource.version));
  return resource;
}

/**
 * The versions an update may apply to, from `If-Match` (RFC 9110): missing -> 428 (every update must
 * say which version it changes, so a lost update cannot happen by omission); `*` -> any version;
 * otherwise the listed strong tags (a weak tag never matches). The owner makes the write conditional
 * on the version ({ _id, version: { $in } }) and answers 412 when nothing matched.
 */
export function ifMatchVersions(ifMatch: string | undefined): number[] | '*' {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw problem.ifMatchRequired({
      zh: '先读取资源，把它的 ETag 放进 If-Match',
      en: 'read the resource first and send its ETag in If-Match',
    });
  }
  if (ifMatch.trim() === '*') return '*';
  const versions: number[] = [];
  for (const tag of ifMatch.split(',')) {
    const m = /^\s*"(\d{1,15})"\s*$/.exec(tag);
    if (m) versions.push(Number(m[1]));
  }
  return versions;
}

/** 412 for a write against a version that is no longer current; the current ETag comes with it. */
export function staleWrite(currentVersion: number): ProblemException {
  return problem.staleWrite(
    { zh: '资源在您读取后已被他人修改，请重新读取后再更新', en: 'the resource changed since you read it; read it again and retry' },
    [],
    { etag: etagOf(currentVersion) },
  );
}

/**
 * `If-Match` on an update where it is optional (clients written before it keep working): absent ->
 * nothing checked; `*` -> any version; otherwise the current version must be among the strong tags
 * listed, else 412 with the current ETag. Call it before the change, on the version just read.
 */
export function checkIfMatch(ifMatch: string | undefined, currentVersion: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '') return;
  const versions = ifMatchVersions(ifMatch);
  if (versions !== '*' && !versions.includes(currentVersion)) throw staleWrite(currentVersion);
}
