import 'reflect-metadata';
import { num } from 'envalid';
import { loadConfig, startDomainService } from '@pb/platform';
import { ReportsModule } from './reports/reports.module.js';

/** Reporting's own variables, validated at boot like the common ones. */
export const reportingEnv = {
  REPORTING_TICK_MS: num({ default: 30_000, desc: 'How often the deadline scheduler looks at the clock; 0 turns it off' }),
};

/** 半月报 reporting: half-month record forms, deadlines, reviews, timeliness and completeness. */
startDomainService({
  service: 'reporting',
  consume: true,
  features: () => [ReportsModule.register({ tickMs: loadConfig(reportingEnv).REPORTING_TICK_MS })],
});
