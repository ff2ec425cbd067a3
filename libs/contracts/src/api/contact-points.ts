import type { FromSchema } from 'json-schema-to-ts';
import { IsoDateSchema, SlugIdSchema } from './common.js';
import { anyInteger, body, stringOrNull, strings, text, view } from './fragments.js';

/** Body of POST /api/v1/contact-points. */
export const CreateContactPointSchema = body(['cadreAccountId', 'cadreUnitId', 'schoolId', 'since'], {
  id: SlugIdSchema,
  cadreAccountId: text(100, "The cadre's account 干部账号"),
  cadreName: { type: 'string', maxLength: 50, description: 'Name shown to the school (API only). 干部姓名' },
  cadreUnitId: { type: 'string', minLength: 1, description: 'The bureau the cadre works at (above the school). 干部所在教育局' },
  schoolId: { type: 'string', minLength: 1, description: 'The grassroots school 联系学校' },
  programme: { type: 'string', maxLength: 50, default: '干部下基层', description: 'Scheme: 三联三进, 两挂两互, 干部下基层 ...' },
  since: IsoDateSchema,
});
export type CreateContactPointDto = FromSchema<typeof CreateContactPointSchema>;

/** Body of POST /api/v1/contact-points/{id}/visits. */
export const LogVisitSchema = body(['date', 'purpose', 'outcome'], {
  date: IsoDateSchema,
  purpose: text(200, '走访目的'),
  outcome: text(1000, '走访成效'),
});
export type LogVisitDto = FromSchema<typeof LogVisitSchema>;

/** Body of POST /api/v1/contact-points/{id}/end. */
export const EndContactPointSchema = body(['endedOn'], { endedOn: IsoDateSchema });
export type EndContactPointDto = FromSchema<typeof EndContactPointSchema>;

export const ContactPointViewSchema = view(
  ['id', 'cadreAccountId', 'cadreUnitId', 'schoolId', 'programme', 'since', 'status', 'visits', 'version'],
  {
    ...strings('id', 'cadreAccountId'),
    cadreName: { type: ['string', 'null'], description: 'Personal: left out for analysts. 干部姓名（分析人员不可见）' },
    ...strings('cadreUnitId', 'schoolId', 'programme', 'since'),
    endedOn: stringOrNull,
    status: { type: 'string', enum: ['active', 'ended'] },
    visits: {
      type: 'array',
      items: { type: 'object', properties: strings('id', 'date', 'purpose', 'outcome') },
    },
    version: anyInteger,
  },
);
