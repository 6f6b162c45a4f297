import { connect } from 'node:net';

/**
 * Real services for integration tests. Locally a missing service skips its tests with a loud
 * message; with STRATA_REQUIRE_SERVICES=1 (set by .ci/run) a missing service fails the run.
 */
export type ServiceName = 'postgres' | 'clickhouse' | 'redis' | 'nats' | 'mariadb';

export const services = {
  postgres: {
    host: process.env.STRATA_TEST_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.STRATA_TEST_PG_PORT ?? 5432),
    user: process.env.STRATA_TEST_PG_USER ?? process.env.USER ?? 'root',
    password: process.env.STRATA_TEST_PG_PASSWORD ?? '',
    database: process.env.STRATA_TEST_PG_DATABASE ?? 'test',
  },
  clickhouse: {
    host: process.env.STRATA_TEST_CH_HOST ?? '127.0.0.1',
    port: Number(process.env.STRATA_TEST_CH_PORT ?? 8123),
  },
  redis: { host: '127.0.0.1', port: 6379 },
  nats: { host: '127.0.0.1', port: 4222 },
  mariadb: { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' },
} as const;

const cache = new Map<ServiceName, Promise<boolean>>();

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function isServiceUp(name: ServiceName): Promise<boolean> {
  let known = cache.get(name);
  if (!known) {
    const { host, port } = services[name];
    known = reachable(host, port);
    cache.set(name, known);
  }
  return known;
}

/**
 * For `describe(..., { skip: await skipUnless('postgres') })`: false when the service is up,
 * a skip reason when it is not, and a thrown error when services are required.
 */
export async function skipUnless(name: ServiceName): Promise<string | false> {
  if (await isServiceUp(name)) return false;
  const { host, port } = services[name];
  const message = `${name} is not reachable on ${host}:${port}`;
  if (process.env.STRATA_REQUIRE_SERVICES === '1') {
    throw new Error(`${message}, and STRATA_REQUIRE_SERVICES=1 requires it`);
  }
  process.stderr.write(`\n!!! SKIPPING ${name} integration tests: ${message} !!!\n\n`);
  return `SKIPPED: ${message}`;
}
