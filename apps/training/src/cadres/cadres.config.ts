import { makeValidator, num } from 'envalid';
import { ConfigError, loadConfig, timeZone } from '@pb/platform';
import { ageBands, type AgeBand } from './age-tiers.js';

/** `35,45,55`: the ages where a new band begins, ascending whole numbers between 18 and 80. */
const ageBoundaries = makeValidator<number[]>((input) => {
  const parts = input.split(',').map((s) => s.trim());
  const ages = parts.map(Number);
  if (parts.some((p) => !/^\d{1,3}$/.test(p)) || ages.some((a) => a < 18 || a > 80)) {
    throw new Error('must list ages between 18 and 80 where a band begins, e.g. 35,45,55');
  }
  if (ages.some((a, i) => i > 0 && a <= ages[i - 1])) throw new Error('must list the ages in ascending order, e.g. 35,45,55');
  return ages;
});

/** `35-44,45-54`: band ids (as the boundaries name them: under-35, 35-44, 55-plus); may be empty. */
const bandIds = makeValidator<string[]>((input) => {
  const ids = input
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.some((id) => !/^(under-\d{1,3}|\d{1,3}-\d{1,3}|\d{1,3}-plus)$/.test(id))) {
    throw new Error('must list band ids such as under-35, 35-44, 55-plus');
  }
  return ids;
});

/** Cadre development's variables, validated at boot like the common ones (README: environment). */
export const cadresEnv = {
  CITY_TIME_ZONE: timeZone({
    default: 'Asia/Shanghai',
    desc: "The city's time zone: what day it is for assignment dates, which year it is for ages",
  }),
  CADRE_AGE_BANDS: ageBoundaries({
    default: [35, 45, 55],
    desc: 'Ages where a band of the age-tier report begins: 35,45,55 gives under-35, 35-44, 45-54, 55-plus',
  }),
  CADRE_REQUIRED_AGE_BANDS: bandIds({
    default: ['35-44', '45-54'],
    desc: 'Bands every leadership team must have a member in (年龄梯次配备); a team without one is flagged',
  }),
  ASSIGNMENT_REMINDER_DAYS: num({
    default: 14,
    desc: 'Days before the end of a secondment or teaching support that host and home are reminded',
  }),
  CADRES_TICK_MS: num({ default: 10_000, desc: 'How often assignments are started, ended and reminded by date; 0 turns it off' }),
};

/** The validated cadre settings, bands built from their boundaries. */
export interface CadreSettings {
  timeZone: string;
  bands: AgeBand[];
  requiredBands: string[];
  reminderDays: number;
  tickMs: number;
}

export const CADRE_SETTINGS = Symbol('CADRE_SETTINGS');

/**
 * Reads and checks the settings: besides each variable's own rule, every required band must be one
 * the boundaries make (fails at boot naming the variable, as `loadConfig` does).
 */
export function cadreSettings(env: NodeJS.ProcessEnv = process.env): CadreSettings {
  const config = loadConfig(cadresEnv, env);
  const bands = ageBands(config.CADRE_AGE_BANDS);
  const unknown = config.CADRE_REQUIRED_AGE_BANDS.filter((id) => !bands.some((b) => b.id === id));
  if (unknown.length > 0) {
    throw new ConfigError([
      {
        name: 'CADRE_REQUIRED_AGE_BANDS',
        rule: `must name bands of CADRE_AGE_BANDS (${bands.map((b) => b.id).join(', ')}), not ${unknown.join(', ')}`,
      },
    ]);
  }
  return {
    timeZone: config.CITY_TIME_ZONE,
    bands,
    requiredBands: config.CADRE_REQUIRED_AGE_BANDS,
    reminderDays: config.ASSIGNMENT_REMINDER_DAYS,
    tickMs: config.CADRES_TICK_MS,
  };
}
