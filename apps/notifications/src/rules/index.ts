import { NotificationCatalog } from './catalog.js';
import { registerEvaluationRules } from './evaluation.rules.js';
import { registerReportingRules } from './reporting.rules.js';
import { registerTrainingRules } from './training.rules.js';

/** Every service's notices. A new service adds one `register<Its>Rules(catalog)` line here. */
export function defaultCatalog(): NotificationCatalog {
  const catalog = new NotificationCatalog();
  registerReportingRules(catalog);
  registerTrainingRules(catalog);
  registerEvaluationRules(catalog);
  return catalog;
}
