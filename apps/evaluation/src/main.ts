import 'reflect-metadata';
import { num, str } from 'envalid';
import { loadConfig, startDomainService } from '@pb/platform';
import { EvaluationModule } from './evaluation.module.js';

/** Evaluation's own variables, validated at boot like the common ones. */
export const evaluationEnv = {
  EVALUATION_TIME_ZONE: str({ default: 'Asia/Shanghai', desc: "The city's time zone: public notices count its working days" }),
  EVALUATION_TICK_MS: num({ default: 60_000, desc: 'How often overdue rectifications are looked for; 0 turns it off' }),
};

/** 五好考核 evaluation: assessment schemes and assessments, derived indicators, selections (docs/adr/0022). */
startDomainService({
  service: 'evaluation',
  consume: true,
  features: () => {
    const config = loadConfig(evaluationEnv);
    return [EvaluationModule.register({ timeZone: config.EVALUATION_TIME_ZONE, tickMs: config.EVALUATION_TICK_MS })];
  },
});
