// The distributed shape for the black-box tests: every startStack() gets a deployment of its own
// on the shared PostgreSQL, Redis and RabbitMQ servers (deploy/local/servers.sh): a fresh
// database, its own queue and Redis key prefix, `paredao migrate`, two `paredao api` copies
// behind an HAProxy load balancer (PROXY protocol v2), a worker and the reconciler. Tests talk to the load balancer.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ADMIN_TOKEN, edgeArgs, powArgs, repoRoot, spawnParedao } from './harness.mjs';

const serversScript = join(repoRoot, 'deploy', 'local', 'servers.sh');
const lbScript = join(repoRoot, 'deploy', 'local', 'haproxy-lb.sh');

let cachedUrls;
/** The servers' URLs: PAREDAO_*_URL from the environment, else what servers.sh reports. */
export function serverUrls() {
  if (cachedUrls) return cachedUrls;
  const fromScript = {};
  if (!process.env.PAREDAO_POSTGRES_URL || !process.env.PAREDAO_REDIS_URL || !process.env.PAREDAO_AMQP_URL ||
      !process.env.PAREDAO_RABBITMQ_METRICS) {
    for (const line of execFileSync(serversScript, ['env']).toString().split('\n')) {
      const m = /^(PAREDAO_[A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) fromScript[m[1]] = m[2];
    }
  }
  const pick = (name) => process.env[name] ?? fromScript[name];
  cachedUrls = {
    postgres: pick('PAREDAO_POSTGRES_URL'),
    redis: pick('PAREDAO_REDIS_URL'),
    amqp: pick('PAREDAO_AMQP_URL'),
    rabbitmqMetrics: pick('PAREDAO_RABBITMQ_METRICS'),
  };
  return cachedUrls;
}

/** Runs SQL on the servers' maintenance database (psql, so that no npm driver is needed). */
export function psql(sql, url = serverUrls().postgres) {
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql]).toString().trim();
}

export function databaseUrl(name) {
  return serverUrls().postgres.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`).replace(/undefined$/, '');
}

async function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

/**
 * Options as startServer's, plus apiCopies (default 2), reconcileIntervalMs (default 200) and
 * tracing ({ endpoint, ratio }: every process exports its spans there).
 */
export async function startStack(options = {}) {
  const urls = serverUrls();
  const name = `t${randomBytes(5).toString('hex')}`;
  psql(`CREATE DATABASE ${name}`);
  const postgresUrl = databaseUrl(name);
  const common = ['--postgres-url', postgresUrl, '--redis-url', urls.redis, '--deployment', name];
  const tracing = options.tracing
    ? ['--otlp-endpoint', options.tracing.endpoint, '--trace-sample-ratio', String(options.tracing.ratio ?? 0.01)]
    : [];
  const adminToken = options.adminToken ?? ADMIN_TOKEN;
  const migrate = await spawnParedao(['migrate', '--postgres-url', postgresUrl], { readyEvent: 'migrated' });
  await migrate.exited;

  const apiArgs = () => [
    'api', '--listen', '127.0.0.1:0', ...common, ...tracing, '--amqp-url', urls.amqp,
    '--admin-token', adminToken,
    '--pow-difficulty', String(options.difficulty ?? 1000),
    ...powArgs(options),
    // The load balancer in front is ours: one address standing for every client.
    '--trusted-proxies', '127.0.0.1/32',
    ...edgeArgs(options),
    ...(options.demo ? [] : ['--no-demo']),
    ...(options.args ?? []),
  ];
  const apis = [];
  for (let i = 0; i < (options.apiCopies ?? 2); i++) apis.push(await spawnParedao(apiArgs(), { env: options.env }));
  const startWorker = (metricsPort = 0) => spawnParedao(['worker', ...common, ...tracing, '--amqp-url', urls.amqp,
    '--consumers', '2', '--metrics-listen', `127.0.0.1:${metricsPort}`], { readyEvent: 'worker_started' });
  const startReconciler = () => spawnParedao(
    ['reconcile', ...common, ...tracing, '--interval-ms', String(options.reconcileIntervalMs ?? 200),
      '--double-use-interval-ms', '500',
      '--metrics-listen', '127.0.0.1:0'],
    { readyEvent: 'reconciler_started' });
  const workers = [await startWorker()];
  const reconcilers = [await startReconciler()];

  const backends = apis.map((a) => `http://${a.ready.address}`);
  const port = await freePort();
  execFileSync(lbScript, ['start', String(port), ...apis.map((a) => a.ready.address)]);

  const stack = {
    name, postgresUrl, urls, port, adminToken,
    url: `http://127.0.0.1:${port}`,
    backends, apis, workers, reconcilers,
    logs: apis[0].logs,
    proc: apis[0].proc,
    /**
     * Restarts api copy `index` on the same port (the load balancer keeps its upstream); with
     * kill, after a SIGKILL (a crash) rather than a SIGTERM.
     */
    async restartApi(index, { kill = false } = {}) {
      const address = apis[index].ready.address;
      await (kill ? apis[index].kill() : apis[index].stop());
      const args = apiArgs();
      args[args.indexOf('--listen') + 1] = address;
      apis[index] = await spawnParedao(args, { env: options.env });
    },
    async addWorker() { workers.push(await startWorker()); return workers.at(-1); },
    /** Restarts worker `index` with its metrics on the same port (Prometheus keeps its target). */
    async restartWorker(index, { kill = false } = {}) {
      const port = workers[index].ready.metrics_port;
      await (kill ? workers[index].kill() : workers[index].stop());
      workers[index] = await startWorker(port);
      return workers[index];
    },
    async addReconciler() { reconcilers.push(await startReconciler()); return reconcilers.at(-1); },
    async stop() {
      try { execFileSync(lbScript, ['stop', String(port)]); } catch { /* already stopped */ }
      const all = [...apis, ...workers, ...reconcilers];
      const results = await Promise.all(all.map((s) => s.stop()));
      return results[0];
    },
    async kill() {
      try { execFileSync(lbScript, ['stop', String(port)]); } catch { /* already stopped */ }
      await Promise.all([...apis, ...workers, ...reconcilers].map((s) => s.kill()));
    },
    cleanup() {
      try { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* the server may be down */ }
    },
  };
  return stack;
}
