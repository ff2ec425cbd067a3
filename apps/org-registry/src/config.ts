import { num } from 'envalid';
import { timeZone } from '@pb/platform';

/** Injection token: how long a replica keeps an org unit it read to answer reads (ms), ORG_UNIT_CACHE_MS. */
export const ORG_UNIT_CACHE_MS = Symbol('ORG_UNIT_CACHE_MS');

/** The registry's own variables, validated at boot like the common ones (README: environment). */
export const registryEnv = {
  CITY_TIME_ZONE: timeZone({
    default: 'Asia/Shanghai',
    desc: "The city's time zone: what day it is for opening dates and members' milestones",
  }),
  ORG_UNIT_CACHE_MS: num({
    default: 1_000,
    desc: "How long a replica answers reads of an org unit from memory; another replica's change shows after at most this long, its own at once. 0 reads the store every time",
  }),
};
