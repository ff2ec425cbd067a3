/** Pieces shared by the API body schemas. */
export const IsoDateSchema = {
  type: 'string',
  pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
  description: 'A calendar date YYYY-MM-DD (city time zone). 日期',
} as const;

export const SlugIdSchema = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{2,63}$',
  description: 'Optional stable id (lowercase slug); generated when omitted. 標識（可選）',
} as const;

/** A page of a cursor-paginated list: pass `nextCursor` back as `cursor` until it is null. */
export const PageSchema = (items: object) =>
  ({
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items },
      nextCursor: { type: ['string', 'null'], description: 'Cursor of the next page; null on the last page. 下一頁游標' },
    },
  }) as const;
