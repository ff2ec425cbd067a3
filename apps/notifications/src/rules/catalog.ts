import type { EventContract, NotificationChannel } from '@pb/contracts';
import type { Bilingual } from '@pb/platform';
import type { NoticeParams, Rule } from './notice.js';

/** 通知类别 A kind of notice: preferences are per category; a critical one cannot be muted or delayed. */
export interface NoticeCategory {
  id: string;
  critical: boolean;
  label: Bilingual;
  /** Channels off until a recipient switches them on (a notice that comes with every school's report). */
  optIn?: NotificationChannel[];
}

/** Locale-specific helpers a template uses (dates in the city zone, period names). */
export interface TemplateFormat {
  lang: 'zh' | 'en';
  /** `2027-03-H1` -> 2027年3月上半月 / first half of March 2027 */
  period(periodId: string): string;
  /** The last day of a deadline (`dueAt` is the first late instant), in the city zone. */
  deadline(dueAtIso: string): string;
  /** An org unit's name when the directory knows it, else its id (resolved for `unitId`, `bureauId` and `*UnitId` params). */
  unit(unitId: string): string;
}

type Text = (p: NoticeParams, f: TemplateFormat) => string;

/** 通知模板 Title and body per language; a digest line for collapsing many notices into one e-mail. */
export interface NoticeTemplate {
  id: string;
  title: { zh: Text; en: Text };
  body: { zh: Text; en: Text };
  /** Subject of a digest of `n` notices of this template, e.g. "7所学校逾期未报". */
  digest?: {
    zh: (n: number, items: NoticeParams[], f: TemplateFormat) => string;
    en: (n: number, items: NoticeParams[], f: TemplateFormat) => string;
  };
}

interface RuleEntry {
  contract: EventContract;
  rules: Rule<EventContract>[];
}

/**
 * The rules, categories and templates of the notification service. The core (consumer, scheduler,
 * dispatcher, channels) only reads this catalogue, so a later service adds its notices with a file
 * that registers its own (see rules/reporting.rules.ts) and one line in rules/index.ts.
 */
export class NotificationCatalog {
  private readonly rules = new Map<string, RuleEntry>();
  private readonly categories = new Map<string, NoticeCategory>();
  private readonly templates = new Map<string, NoticeTemplate>();

  registerRule<C extends EventContract>(contract: C, rule: Rule<C>): this {
    const entry = this.rules.get(contract.type) ?? { contract, rules: [] };
    entry.rules.push(rule);
    this.rules.set(contract.type, entry);
    return this;
  }

  registerCategory(category: NoticeCategory): this {
    if (this.categories.has(category.id)) throw new Error(`category ${category.id} registered twice`);
    this.categories.set(category.id, category);
    return this;
  }

  registerTemplate(template: NoticeTemplate): this {
    if (this.templates.has(template.id)) throw new Error(`template ${template.id} registered twice`);
    this.templates.set(template.id, template);
    return this;
  }

  /** The event contracts some rule listens to: the consumer subscribes to exactly these. */
  contracts(): EventContract[] {
    return [...this.rules.values()].map((e) => e.contract);
  }

  rulesFor(type: string): Rule<EventContract>[] {
    return this.rules.get(type)?.rules ?? [];
  }

  category(id: string): NoticeCategory {
    const c = this.categories.get(id);
    if (!c) throw new Error(`unknown notice category ${id}`);
    return c;
  }

  hasCategory(id: string): boolean {
    return this.categories.has(id);
  }

  allCategories(): NoticeCategory[] {
    return [...this.categories.values()];
  }

  template(id: string): NoticeTemplate {
    const t = this.templates.get(id);
    if (!t) throw new Error(`unknown notice template ${id}`);
    return t;
  }
}
