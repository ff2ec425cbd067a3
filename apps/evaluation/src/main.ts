import 'reflect-metadata';
import { str } from 'envalid';
import { loadConfig, startDomainService } from '@pb/platform';
import { EvaluationModule } from './evaluation.module.js';

/** Evaluation's own variables, validated at boot like the common ones. */
export const evaluationEnv = {
  EVALUATION_TIME_ZONE: str({ default: 'Asia/Shanghai', desc: "The city's time zone: public notices count its working days" }),
};

/** 五好考核 evaluation: assessment schemes and assessments, derived indicators, selections (docs/adr/0022). */
startDomainService({
  service: 'evaluation',
  consume: true,
  features: () => [EvaluationModule.register({ timeZone: loadConfig(evaluationEnv).EVALUATION_TIME_ZONE })],
});
