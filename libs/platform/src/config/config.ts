import { bool, cleanEnv, EnvMissingError, makeValidator, num, port, str, type CleanedEnv } from 'envalid';
import {
  KafkaAuthError,
  kafkaAuthOf,
  kafkaSaslMechanism,
  type KafkaAuth,
  type KafkaAuthVariables,
  type KafkaSaslMechanism,
} from '@pb/messaging';

/** A bad or missing environment variable, named with the rule it broke. Values are never echoed. */
export class ConfigError extends Error {
  constructor(readonly problems: { name: string; rule: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.name}: ${p.rule}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** The non-empty entries of a comma-separated value. */
const commaSeparated = (input: string): string[] =>
  input
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `host:port[,host:port...]` */
export const brokerList = makeValidator<string[]>((input) => {
  const list = commaSeparated(input);
  if (list.length === 0) throw new Error('must list at least one broker as host:port[,host:port]');
  for (const b of list) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)) throw new Error(`must be host:port[,host:port] (bad entry ${JSON.stringify(b)})`);
  }
  return list;
});

export const mongoUri = makeValidator<string>((input) => {
  if (!/^mongodb(\+srv)?:\/\/[^\s]+$/.test(input)) throw new Error('must be a mongodb:// or mongodb+srv:// connection string');
  return input;
});

export const databaseName = makeValidator<string>((input) => {
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(input)) throw new Error('must be 1-63 letters, digits, _ or -');
  return input;
});

/** A secret: at least 32 characters. Marked sensitive so it is never logged. */
export const secret = makeValidator<string>((input) => {
  if (input.length < 32) throw new Error('must be at least 32 characters');
  return input;
});

function parseHttpUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error('must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http(s) URL');
  return input.replace(/\/$/, '');
}

export const httpUrl = makeValidator<string>(parseHttpUrl);

/** One http(s) base URL, or several separated by commas (the replicas of one service, balanced by the gateway). */
export const httpUrlList = makeValidator<string[]>((input) => {
  const list = commaSeparated(input);
  if (list.length === 0) throw new Error('must be an http(s) URL, or several separated by commas');
  try {
    return list.map(parseHttpUrl);
  } catch {
    throw new Error('must be an http(s) URL, or several separated by commas');
  }
});

/** An IANA time zone (Asia/Shanghai), as Intl knows it. */
export const timeZone = makeValidator<string>((input) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: input });
  } catch {
    throw new Error('must be an IANA time zone, e.g. Asia/Shanghai');
  }
  return input;
});

export const logLevel = str({ choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' });

/** Variables every service reads. `required` in the metadata marks the ones without a default. */
export const httpEnv = {
  NODE_ENV: str({ choices: ['development', 'test', 'production'], default: 'development' }),
  HTTP_HOST: str({ default: '0.0.0.0', desc: 'Interface the HTTP server binds to' }),
  HTTP_PORT: port({ desc: 'HTTP port of this service' }),
  LOG_LEVEL: logLevel,
  SHUTDOWN_GRACE_MS: num({
    default: 9_000,
    desc: 'After SIGTERM the drain and in-flight work get this long in all, then the process exits anyway; exit always within 10 s',
  }),
  SHUTDOWN_DRAIN_MS: num({
    default: 3_000,
    desc: 'After SIGTERM, readiness fails but requests are still accepted and answered this long (load balancers notice), then in-flight work ends (docs/adr/0024); a Kubernetes preStop sleep can take its place',
  }),
  INTERNAL_AUTH_SECRET: secret({ desc: 'HMAC key of the identity the gateway forwards to services (sensitive)' }),
  CURSOR_SECRET: secret({
    default: undefined,
    desc: 'HMAC key of the list cursors this service signs (sensitive); derived from INTERNAL_AUTH_SECRET when unset',
  }),
  HTTP_BODY_LIMIT_BYTES: num({ default: 1_048_576, desc: 'Largest request body accepted; larger ones get 413' }),
  TRUST_PROXY: str({
    default: 'loopback,uniquelocal',
    desc: 'Addresses or CIDRs of the proxies (ingress) whose X-Forwarded-For gives the client IP; proxy-addr names allowed',
  }),
};

/** The key material of a service's cursors (docs/adr/0018): its own CURSOR_SECRET, else derived from INTERNAL_AUTH_SECRET. */
export function cursorSecretOf(config: { CURSOR_SECRET?: string | undefined; INTERNAL_AUTH_SECRET: string }): string {
  return config.CURSOR_SECRET ?? config.INTERNAL_AUTH_SECRET;
}

/** SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, in any case. */
export const saslMechanism = makeValidator<KafkaSaslMechanism>((input) => {
  try {
    return kafkaSaslMechanism(input);
  } catch (err) {
    throw new Error((err as { rule?: string }).rule ?? 'must be a SASL mechanism');
  }
});

/**
 * The broker's credentials and TLS (docs/adr/0025): the Helm chart's variable names. Unset mechanism:
 * no SASL (a broker without authentication); `kafkaAuthOf` (libs/messaging) turns them into the
 * client's settings and refuses a mechanism without its username or password.
 */
export const kafkaAuthEnv = {
  KAFKA_SASL_MECHANISM: saslMechanism({
    default: undefined,
    desc: 'SASL mechanism: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (PLAIN only over TLS); unset: no SASL',
  }),
  KAFKA_SASL_USERNAME: str({ default: undefined, desc: "This service's Kafka principal (required with KAFKA_SASL_MECHANISM)" }),
  KAFKA_SASL_PASSWORD: str({ default: undefined, desc: 'Its password (sensitive; required with KAFKA_SASL_MECHANISM)' }),
  KAFKA_TLS: bool({ default: false, desc: 'TLS to the brokers' }),
  KAFKA_TLS_CA_FILE: str({ default: undefined, desc: "PEM file of the brokers' CA; unset: the system's trusted CAs" }),
};

/**
 * The client's SASL/TLS settings from the KAFKA_SASL_* / KAFKA_TLS* variables (validated, or a test's
 * environment); a mechanism without its credentials is a ConfigError naming the variable.
 */
export function brokerAuthOf(config: KafkaAuthVariables): KafkaAuth {
  try {
    return kafkaAuthOf(config);
  } catch (err) {
    if (err instanceof KafkaAuthError) throw new ConfigError([{ name: err.variable, rule: err.rule }]);
    throw err;
  }
}

/** A Kafka client id: what the broker's request logs, metrics and client quotas name the connection by. */
export const kafkaClientId = makeValidator<string>((input) => {
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(input)) throw new Error('must be 1-249 letters, digits, ., _ or -');
  return input;
});

export const storeAndBrokerEnv = {
  KAFKA_BROKERS: brokerList({ desc: 'Kafka bootstrap brokers, host:port[,host:port]' }),
  KAFKA_CLIENT_ID: kafkaClientId({
    default: undefined,
    desc: "Kafka client id of this service's connections (broker request logs, client quotas); default the service name",
  }),
  ...kafkaAuthEnv,
  MONGODB_URI: mongoUri({ desc: 'MongoDB connection string (sensitive: may hold credentials)' }),
  MONGODB_DB: databaseName({ desc: "This service's own database" }),
  KAFKA_GROUP_ID: str({ desc: "This service's consumer group", default: undefined }),
  KAFKA_MAX_ATTEMPTS: num({ default: 5, desc: 'Handler attempts before a record is dead-lettered' }),
  KAFKA_TOPIC_PARTITIONS: num({ default: 3, desc: 'Partitions of topics this service creates' }),
  KAFKA_TOPIC_REPLICATION: num({ default: 1, desc: 'Replication factor of topics this service creates (3 in production)' }),
  READINESS_STORE_OUTAGE_MS: num({
    default: 10_000,
    desc: 'Readiness fails when the own database has not answered a ping for this long (docs/adr/0024)',
  }),
  READINESS_BROKER_OUTAGE_MS: num({
    default: 0,
    desc: 'Readiness fails when Kafka has been unreachable this long; 0: never (the outbox holds events meanwhile, docs/adr/0024)',
  }),
};

/** A domain service: HTTP plus its own database and the broker. */
export const serviceEnv = { ...httpEnv, ...storeAndBrokerEnv };

/**
 * The gateway: its HTTP server, its identity store (accounts, sessions, API keys, audit, the org-tree
 * read model) and broker, its token key, and where each service listens (docs/adr/0007).
 */
export const gatewayEnv = {
  ...httpEnv,
  ...storeAndBrokerEnv,
  AUTH_JWT_SECRET: secret({ desc: 'HMAC key of the access tokens the gateway issues and verifies (sensitive)' }),
  ACCESS_TOKEN_TTL_S: num({ default: 900, desc: 'Lifetime of an access token, seconds' }),
  REFRESH_TOKEN_TTL_S: num({ default: 2_592_000, desc: 'Lifetime of a refresh session, seconds (30 days)' }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: num({ default: 5, desc: 'Failed logins per account in a window before 429' }),
  LOGIN_MAX_FAILURES_PER_IP: num({ default: 50, desc: 'Failed logins per client IP in a window before 429' }),
  LOGIN_THROTTLE_WINDOW_S: num({ default: 900, desc: 'Window of the login failure counters, seconds' }),
  RATE_LIMIT_PER_MINUTE: num({ default: 600, desc: 'Requests per account (per IP before login) per minute and replica' }),
  BOOTSTRAP_ADMIN_USERNAME: str({ default: 'admin', desc: 'Name of the first city-admin account, created at boot when missing' }),
  BOOTSTRAP_ADMIN_PASSWORD: str({ default: undefined, desc: 'Its password (sensitive); no bootstrap account when unset' }),
  BOOTSTRAP_ADMIN_ORG_UNIT: str({ default: 'city', desc: 'Id of the city bureau org unit the first admin belongs to' }),
  OIDC_JWKS_URL: httpUrl({ default: undefined, desc: 'JWKS URL of an external OIDC provider; its tokens are accepted when set' }),
  OIDC_ISSUER: str({ default: undefined, desc: 'Issuer (iss) of accepted external OIDC tokens' }),
  OIDC_AUDIENCE: str({ default: undefined, desc: 'Audience (aud) external OIDC tokens must carry' }),
  OIDC_CLAIM_ACCOUNT: str({ default: 'preferred_username', desc: 'Claim whose value is the username of the local account' }),
  ORG_REGISTRY_URL: httpUrlList({ desc: 'Internal base URL of org-registry; several separated by commas are its replicas, balanced' }),
  REPORTING_URL: httpUrlList({ desc: 'Internal base URL of reporting; several separated by commas are its replicas, balanced' }),
  EVALUATION_URL: httpUrlList({ desc: 'Internal base URL of evaluation; several separated by commas are its replicas, balanced' }),
  TRAINING_URL: httpUrlList({ desc: 'Internal base URL of training; several separated by commas are its replicas, balanced' }),
  NOTIFICATIONS_URL: httpUrlList({ desc: 'Internal base URL of notifications; several separated by commas are its replicas, balanced' }),
};

/** Names of the variables of a spec that have no default (a deployment must set them). */
export function requiredVariables(spec: Record<string, object>): string[] {
  return Object.entries(spec)
    .filter(([, v]) => !('default' in v) && !('devDefault' in v))
    .map(([k]) => k);
}

/** Validates the environment against a spec; throws ConfigError naming each bad variable and its rule. */
export function loadConfig<S>(spec: S, env: NodeJS.ProcessEnv = process.env): CleanedEnv<S> {
  return cleanEnv(env, spec, {
    reporter: ({ errors }) => {
      const problems = Object.entries(errors).map(([name, err]) => ({ name, rule: ruleOf(err) }));
      if (problems.length > 0) throw new ConfigError(problems);
    },
  });
}

function ruleOf(err: unknown): string {
  if (err instanceof EnvMissingError) return err.message && err.message !== 'undefined' ? `is required (${err.message})` : 'is required';
  const message = err instanceof Error ? err.message : String(err);
  // envalid's own validators quote the input; never echo a value (it may be a secret).
  const builtin = /^Invalid (\S+) input/.exec(message);
  return builtin ? `must be a valid ${builtin[1]}` : message;
}
