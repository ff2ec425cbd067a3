// The command line: `node deploy/local/infra.mjs start|stop|status [kafka|ferretdb ...]`, also
// `npm run infra -- ...`. infra.mjs runs it when started as a script.

import { SERVICE_NAMES, ensureInfra, infraStatus, kafkaUsersFile, service, stopInfra } from './infra.mjs';
import { rel } from './settings.mjs';

/** Runs one command; resolves the process exit code (0 ok, 2 usage, 3 status: one is not healthy). */
export async function cli(argv) {
  const [command = 'help', ...rest] = argv;
  const names = rest.length ? rest : SERVICE_NAMES;
  names.forEach(service); // validates
  const log = (m) => process.stderr.write(`${m}\n`);

  if (command === 'start') {
    const t0 = Date.now();
    const r = await ensureInfra({ kafka: names.includes('kafka'), mongo: names.includes('ferretdb'), log });
    if (r.mode === 'docker') {
      throw new Error(
        'a Docker engine is reachable: run `docker compose up -d` (or the tests, which use testcontainers), or set INFRA_MODE=local to use the local toolchain',
      );
    }
    if (r.kafkaBrokers) process.stdout.write(`KAFKA_BROKERS=${r.kafkaBrokers}\n`);
    // Where the principals' passwords are (never the passwords themselves: docs/adr/0025).
    if (r.kafkaBrokers && r.mode === 'local') process.stdout.write(`KAFKA_USERS_FILE=${kafkaUsersFile()}\n`);
    if (r.mongodbUri) process.stdout.write(`MONGODB_URI=${r.mongodbUri}\n`);
    log(`infra: ${r.mode} mode, started [${r.started.join(', ')}] in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return 0;
  }
  if (command === 'stop') {
    const stopped = await stopInfra(names, { log });
    log(stopped.length ? `infra: stopped ${stopped.join(', ')}` : 'infra: nothing started by this project is running');
    return 0;
  }
  if (command === 'status') {
    const all = (await infraStatus()).filter((s) => names.includes(s.name));
    for (const s of all) {
      const state = s.running ? `running (pid ${s.pid})` : 'not started by this project';
      const health = s.healthy ? 'healthy' : s.healthy === null ? 'down' : 'unhealthy';
      process.stdout.write(`${s.name.padEnd(9)} ${s.address.padEnd(16)} ${health.padEnd(9)} ${state}; log ${rel(s.log)}\n`);
    }
    for (const v of ['KAFKA_BROKERS', 'MONGODB_URI']) if (process.env[v]) process.stdout.write(`(${v} is set: ${process.env[v]})\n`);
    return all.every((s) => s.healthy) ? 0 : 3;
  }
  process.stderr.write(
    'usage: node deploy/local/infra.mjs start|stop|status [kafka|ferretdb ...]\n' +
      '  env: KAFKA_BROKERS, MONGODB_URI, INFRA_MODE=auto|local|docker, LOCAL_KAFKA_PORT, LOCAL_KAFKA_CONTROLLER_PORT,\n' +
      '       LOCAL_MONGO_PORT, LOCAL_INFRA_DIR, INFRA_READY_TIMEOUT_MS, LOCAL_KAFKA_JAVA_OPTS\n',
  );
  return command === 'help' || command === '--help' || command === '-h' ? 0 : 2;
}
