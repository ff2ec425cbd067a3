import { DateTime } from 'luxon';
import type { NoticeTemplate, TemplateFormat } from '../rules/catalog.js';
import type { NoticeParams } from '../rules/notice.js';

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export type Lang = 'zh' | 'en';

/** `zh-Hans` (the default) or `en`, from a stored locale. */
export function langOf(locale: string | undefined): Lang {
  return locale === 'en' ? 'en' : 'zh';
}

export function templateFormat(
  lang: Lang,
  timeZone: string,
  unitNames: (id: string) => string | undefined = () => undefined,
): TemplateFormat {
  return {
    lang,
    period(periodId) {
      const m = /^(\d{4})-(\d{2})-(H[12])$/.exec(periodId);
      if (!m) return periodId;
      const [, y, mm, half] = m as unknown as [string, string, string, 'H1' | 'H2'];
      if (lang === 'zh') return `${y}年${Number(mm)}月${half === 'H1' ? '上半月' : '下半月'}`;
      return `${half === 'H1' ? 'first' : 'second'} half of ${EN_MONTHS[Number(mm) - 1]} ${y}`;
    },
    deadline(dueAtIso) {
      // dueAt is the first late instant (00:00 the next day): the last day to report is the day before.
      const last = DateTime.fromISO(dueAtIso, { zone: timeZone }).minus({ milliseconds: 1 });
      if (!last.isValid) return dueAtIso;
      return lang === 'zh' ? `${last.year}年${last.month}月${last.day}日` : `${last.day} ${EN_MONTHS[last.month - 1]} ${last.year}`;
    },
    unit(unitId) {
      return unitNames(unitId) ?? unitId;
    },
  };
}

export interface Rendered {
  title: string;
  body: string;
}

export function render(template: NoticeTemplate, params: NoticeParams, f: TemplateFormat): Rendered {
  return { title: template.title[f.lang](params, f), body: template.body[f.lang](params, f) };
}

/**
 * One message for many notices to one recipient: the template's own digest line when they share a
 * template ("7所学校逾期未报"), else a count; the body lists every notice.
 */
export function renderDigest(items: { template: NoticeTemplate; params: NoticeParams }[], f: TemplateFormat): Rendered {
  if (items.length === 1) return render(items[0].template, items[0].params, f);
  const first = items[0].template;
  const same = items.every((i) => i.template.id === first.id);
  const title =
    same && first.digest
      ? first.digest[f.lang](
          items.length,
          items.map((i) => i.params),
          f,
        )
      : f.lang === 'zh'
        ? `您有 ${items.length} 条新通知`
        : `${items.length} new notices`;
  const lines = items.map((i, n) => {
    const r = render(i.template, i.params, f);
    return `${n + 1}. ${r.title}\n   ${r.body}`;
  });
  return { title, body: lines.join('\n\n') };
}
