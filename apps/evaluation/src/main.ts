import 'reflect-metadata';
import { startDomainService } from '@pb/platform';
import { EvaluationModule } from './evaluation.module.js';

/** 五好考核 evaluation: assessment schemes, five-goods and four-excellences assessments, derived indicators (docs/adr/0022). */
startDomainService({
  service: 'evaluation',
  consume: true,
  features: () => [EvaluationModule],
});
