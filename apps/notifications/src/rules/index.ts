import { NotificationCatalog } from './catalog.js';
import { registerReportingRules } from './reporting.rules.js';
import { registerTrainingRules } from './training.rules.js';

/** Every service's notices. A new service adds one `register<Its>Rules(catalog)` line here. */
export function defaultCatalog(): NotificationCatalog {
  const catalog = new NotificationCatalog();
  registerReportingRules(catalog);
  registerTrainingRules(catalog);
  return catalog;
}
