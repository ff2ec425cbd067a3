import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema } from './common.js';

/** Body of POST /api/v1/contact-points. */
export const CreateContactPointSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['cadreAccountId', 'cadreUnitId', 'schoolId', 'since'],
  properties: {
    id: SlugIdSchema,
    cadreAccountId: { type: 'string', minLength: 1, maxLength: 100, description: "The cadre's account 干部账号" },
    cadreName: { type: 'string', maxLength: 50, description: 'Name shown to the school (API only). 干部姓名' },
    cadreUnitId: { type: 'string', minLength: 1, description: 'The bureau the cadre works at (above the school). 干部所在教育局' },
    schoolId: { type: 'string', minLength: 1, description: 'The grassroots school 联系学校' },
    programme: { type: 'string', maxLength: 50, default: '干部下基层', description: 'Scheme: 三联三进, 两挂两互, 干部下基层 ...' },
    since: IsoDateSchema,
  },
} as const;
export type CreateContactPointDto = FromSchema<typeof CreateContactPointSchema>;

/** Body of POST /api/v1/contact-points/{id}/visits. */
export const LogVisitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['date', 'purpose', 'outcome'],
  properties: {
    date: IsoDateSchema,
    purpose: { type: 'string', minLength: 1, maxLength: 200, description: '走访目的' },
    outcome: { type: 'string', minLength: 1, maxLength: 1000, description: '走访成效' },
  },
} as const;
export type LogVisitDto = FromSchema<typeof LogVisitSchema>;

/** Body of POST /api/v1/contact-points/{id}/end. */
export const EndContactPointSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['endedOn'],
  properties: { endedOn: IsoDateSchema },
} as const;
export type EndContactPointDto = FromSchema<typeof EndContactPointSchema>;

export const ContactPointViewSchema = {
  type: 'object',
  required: ['id', 'cadreAccountId', 'cadreUnitId', 'schoolId', 'programme', 'since', 'status', 'visits', 'version'],
  properties: {
    id: { type: 'string' },
    cadreAccountId: { type: 'string' },
    cadreName: { type: ['string', 'null'] },
    cadreUnitId: { type: 'string' },
    schoolId: { type: 'string' },
    programme: { type: 'string' },
    since: { type: 'string' },
    endedOn: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['active', 'ended'] },
    visits: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, date: { type: 'string' }, purpose: { type: 'string' }, outcome: { type: 'string' } },
      },
    },
    version: { type: 'integer' },
  },
} as const;
