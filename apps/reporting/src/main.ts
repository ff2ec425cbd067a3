import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { OrgDirectoryModule } from './org-directory/org-directory.module.js';

/** 半月報 reporting: half-month record forms, deadlines, reviews, timeliness and completeness. */
startDomainService({
  service: 'reporting',
  consume: true,
  features: () => [OrgDirectoryModule],
});
