// The Docker path: is an engine reachable, and if so the broker and store as testcontainers.
// Node built-ins at load time; testcontainers is imported only when a container is started.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort } from './processes.mjs';
import { KAFKA_VERSION, noop } from './settings.mjs';

/**
 * Is a Docker engine reachable? Pings the engine API (GET /_ping) on DOCKER_HOST or the usual
 * sockets; falls back to `docker info` for other DOCKER_HOST schemes. Never takes more than ~5 s.
 */
export async function dockerAvailable({ timeoutMs = 5_000 } = {}) {
  const dockerHost = process.env.DOCKER_HOST;
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return pingDocker({ socketPath: dockerHost.slice('unix://'.length) }, timeoutMs);
    if (dockerHost.startsWith('tcp://') && !process.env.DOCKER_TLS_VERIFY) {
      const u = new URL(dockerHost.replace(/^tcp:/, 'http:'));
      return pingDocker({ host: u.hostname, port: Number(u.port) || 2375 }, timeoutMs);
    }
    return dockerInfo(timeoutMs);
  }
  const sockets = ['/var/run/docker.sock'];
  if (process.env.XDG_RUNTIME_DIR) sockets.push(path.join(process.env.XDG_RUNTIME_DIR, 'docker.sock'));
  if (process.env.HOME) sockets.push(path.join(process.env.HOME, '.docker', 'run', 'docker.sock'));
  for (const socketPath of sockets) {
    if (fs.existsSync(socketPath) && (await pingDocker({ socketPath }, timeoutMs))) return true;
  }
  return false;
}

function pingDocker(target, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get({ ...target, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function dockerInfo(timeoutMs) {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: timeoutMs }, (err) => resolve(!err));
  });
}

/**
 * Docker path: starts apache/kafka and mongo:7 with testcontainers (npm deps `testcontainers`
 * and `@testcontainers/mongodb`). @testcontainers/kafka only drives Confluent images
 * (/etc/confluent/docker/run), so the apache/kafka image runs as a GenericContainer with a
 * fixed host port (its advertised listener must be known before it starts).
 * @returns {Promise<{kafkaBrokers?: string, mongodbUri?: string, started: string[], mode: 'docker', stop: () => Promise<void>}>}
 */
export async function startWithTestcontainers({ kafka = true, mongo = true } = {}) {
  const stops = [];
  const result = {
    kafkaBrokers: kafka ? process.env.KAFKA_BROKERS : undefined,
    mongodbUri: mongo ? process.env.MONGODB_URI : undefined,
    started: [],
    mode: 'docker',
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch(noop);
    },
  };
  try {
    if (kafka && !result.kafkaBrokers) {
      const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
      const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
      const port = await freePort();
      const container = await new GenericContainer(`apache/kafka:${KAFKA_VERSION}`)
        .withExposedPorts({ container: port, host: port })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${port},CONTROLLER://localhost:9093`,
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_NUM_PARTITIONS: '3',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(120_000)
        .start();
      stops.push(() => container.stop());
      result.kafkaBrokers = `${host}:${port}`;
      result.started.push('kafka');
    }
    if (mongo && !result.mongodbUri) {
      const { MongoDBContainer } = await import('@testcontainers/mongodb');
      const container = await new MongoDBContainer('mongo:7').start();
      stops.push(() => container.stop());
      // single-member replica set rs0 whose member name is the container's: connect directly
      result.mongodbUri = `${container.getConnectionString()}/?directConnection=true`;
      result.started.push('mongo');
    }
  } catch (err) {
    await result.stop();
    throw err;
  }
  return result;
}
