import 'reflect-metadata';
import { startDomainService } from '@pb/platform';

/** 五好考核 evaluation: five-goods assessments, four-excellences schools, selections, inspections. Its features arrive with their issues. */
startDomainService({
  service: 'evaluation',
  consume: true,
  features: () => [],
});
