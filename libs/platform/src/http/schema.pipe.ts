import { type PipeTransform } from '@nestjs/common';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ProblemException, type Bilingual, type FieldProblem } from './problem.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, removeAdditional: false }));

function message(e: ErrorObject): Bilingual {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { zh: `缺少必填欄位 ${String(p['missingProperty'])}`, en: `${String(p['missingProperty'])} is required` };
    case 'additionalProperties':
      return { zh: `不允許的欄位 ${String(p['additionalProperty'])}`, en: `unknown field ${String(p['additionalProperty'])}` };
    case 'type':
      return { zh: `類型應為 ${String(p['type'])}`, en: `must be of type ${String(p['type'])}` };
    case 'enum':
      return { zh: `取值應為 ${JSON.stringify(p['allowedValues'])} 之一`, en: `must be one of ${JSON.stringify(p['allowedValues'])}` };
    case 'minLength':
      return { zh: `長度至少為 ${String(p['limit'])}`, en: `must have at least ${String(p['limit'])} characters` };
    case 'maxLength':
      return { zh: `長度最多為 ${String(p['limit'])}`, en: `must have at most ${String(p['limit'])} characters` };
    case 'pattern':
      return { zh: `格式應符合 ${String(p['pattern'])}`, en: `must match ${String(p['pattern'])}` };
    case 'format':
      return { zh: `格式應為 ${String(p['format'])}`, en: `must be a valid ${String(p['format'])}` };
    default:
      return { zh: `不符合規則 ${e.keyword}`, en: e.message ?? `breaks rule ${e.keyword}` };
  }
}

function pointer(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `${e.instancePath}/${String(p['missingProperty'])}`;
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${String(p['additionalProperty'])}`;
  return e.instancePath || '/';
}

/**
 * Validates a request body against a JSON Schema: the same schema documents the route in OpenAPI
 * and gives its TypeScript type (FromSchema). Failures are 400 problem+json naming field and rule.
 */
export class SchemaPipe<T> implements PipeTransform<unknown, T> {
  private readonly validate: ValidateFunction;

  constructor(readonly schema: object) {
    this.validate = ajv.compile(schema);
  }

  transform(value: unknown): T {
    if (this.validate(value)) return value as T;
    const errors: FieldProblem[] = (this.validate.errors ?? []).map((e) => ({
      pointer: pointer(e),
      rule: e.keyword,
      message: message(e),
    }));
    throw new ProblemException(
      400,
      'https://partybuilding.edu.cn/problems/validation',
      { zh: '請求內容不符合規則', en: 'The request breaks the rules of its schema' },
      { zh: `${errors.length} 個欄位無效`, en: `${errors.length} invalid field(s)` },
      errors,
    );
  }
}
