import { isUtf8 } from 'node:buffer';
import { MAX_JSON_DEPTH } from '@pb/contracts';
import { problem, type ProblemException } from './problem.js';

/**
 * The JSON body parser of every service and the gateway (runService, docs/adr/0018): before
 * anything else looks at a body it must be UTF-8 (400 otherwise; a `charset` other than utf-8 is a
 * 415), at most MAX_JSON_DEPTH arrays and objects deep (400: a deeper one would overflow the stack of
 * whatever walks it next), and JSON without `__proto__` or `constructor.prototype` keys.
 */
export function parseJsonBody(contentType: string | undefined, body: Buffer): unknown {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw problem.unsupportedMediaType({
      zh: `请求内容必须为 UTF-8 编码的 JSON，不支持字符集 ${charset}`,
      en: `the body must be JSON in UTF-8; charset ${charset} is not supported`,
    });
  }
  if (body.length === 0) throw invalidBody('json', { zh: '请求内容为空', en: 'the body is empty' });
  if (!isUtf8(body)) throw invalidBody('encoding', { zh: '请求内容不是有效的 UTF-8', en: 'the body is not valid UTF-8' });
  const depth = nestingDepth(body);
  if (depth > MAX_JSON_DEPTH) {
    throw invalidBody('maxDepth', {
      zh: `JSON 嵌套层数不得超过 ${MAX_JSON_DEPTH}`,
      en: `JSON may be nested at most ${MAX_JSON_DEPTH} levels deep`,
    });
  }
  const text = body.toString('utf8');
  try {
    return /__proto__|constructor/.test(text) ? JSON.parse(text, refusePoisoning) : JSON.parse(text);
  } catch (err) {
    if (err instanceof PoisonedKey) throw invalidBody('json', { zh: `不允许的键 ${err.key}`, en: `key ${err.key} is not allowed` });
    throw invalidBody('json', { zh: '请求内容不是有效的 JSON', en: 'the body is not valid JSON' });
  }
}

function invalidBody(rule: string, message: { zh: string; en: string }): ProblemException {
  return problem.validation(message, [{ pointer: '/', rule, message }]);
}

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count). */
export function nestingDepth(body: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

class PoisonedKey extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

function refusePoisoning(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new PoisonedKey(key);
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) throw new PoisonedKey(key);
  return value;
}
