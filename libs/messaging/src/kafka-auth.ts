import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** SASL mechanisms a client may use (kafkajs speaks them; the chart and the local broker use SCRAM-SHA-512). */
export const KAFKA_SASL_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** The variables of a Kafka connection's credentials: the Helm chart's names (deploy/helm, docs/adr/0025). */
export interface KafkaAuthVariables {
  KAFKA_SASL_MECHANISM?: string | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  /** `true` (or `"true"`): TLS to the brokers. */
  KAFKA_TLS?: boolean | string | undefined;
  /** PEM file of the CA that signed the brokers' certificates; unset: the system's trusted CAs. */
  KAFKA_TLS_CA_FILE?: string | undefined;
}

/** How a kafkajs client authenticates: the `sasl` and `ssl` parts of its config. */
export type KafkaAuth = Pick<KafkaConfig, 'sasl' | 'ssl'>;

/** A KAFKA_SASL_* / KAFKA_TLS* setting that cannot work; names the variable, never echoes a value. */
export class KafkaAuthError extends Error {
  readonly variable: string;
  readonly rule: string;
  // No parameter properties: tools/scripts/dlq.mjs loads this file with Node's type stripping.
  constructor(variable: string, rule: string) {
    super(`${variable}: ${rule}`);
    this.name = 'KafkaAuthError';
    this.variable = variable;
    this.rule = rule;
  }
}

/** The mechanism as the chart writes it (`SCRAM-SHA-512`), in any case; throws on an unknown one. */
export function kafkaSaslMechanism(input: string): KafkaSaslMechanism {
  const upper = input.trim().toUpperCase();
  const found = KAFKA_SASL_MECHANISMS.find((m) => m === upper);
  if (!found) throw new KafkaAuthError('KAFKA_SASL_MECHANISM', `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`);
  return found;
}

/**
 * The kafkajs `sasl` / `ssl` settings from the KAFKA_SASL_* and KAFKA_TLS* variables: every client
 * of the platform (the services, the topics job, the test and benchmark tooling) connects through
 * this, so one set of variable names serves the chart, compose and the local broker.
 * No mechanism: no SASL. A mechanism without a username or password throws.
 */
export function kafkaAuthOf(vars: KafkaAuthVariables): KafkaAuth {
  const auth: KafkaAuth = {};
  const tls = vars.KAFKA_TLS === true || String(vars.KAFKA_TLS ?? '').toLowerCase() === 'true';
  if (vars.KAFKA_TLS_CA_FILE && !tls) throw new KafkaAuthError('KAFKA_TLS_CA_FILE', 'is set but KAFKA_TLS is not true');
  if (tls) auth.ssl = vars.KAFKA_TLS_CA_FILE ? { ca: [readFileSync(vars.KAFKA_TLS_CA_FILE, 'utf8')] } : true;
  if (vars.KAFKA_SASL_MECHANISM) {
    const mechanism = kafkaSaslMechanism(vars.KAFKA_SASL_MECHANISM);
    if (!vars.KAFKA_SASL_USERNAME) throw new KafkaAuthError('KAFKA_SASL_USERNAME', 'is required when KAFKA_SASL_MECHANISM is set');
    if (!vars.KAFKA_SASL_PASSWORD) throw new KafkaAuthError('KAFKA_SASL_PASSWORD', 'is required when KAFKA_SASL_MECHANISM is set');
    const credentials = { username: vars.KAFKA_SASL_USERNAME, password: vars.KAFKA_SASL_PASSWORD };
    auth.sasl = { mechanism: mechanism.toLowerCase(), ...credentials } as SASLOptions;
  } else if (vars.KAFKA_SASL_USERNAME || vars.KAFKA_SASL_PASSWORD) {
    throw new KafkaAuthError('KAFKA_SASL_MECHANISM', 'is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set');
  }
  return auth;
}
