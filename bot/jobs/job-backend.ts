import {
  createPostgresBackend,
  createRedisBackend,
  type IQueueBackend,
  type Processor,
  type Queue,
  type Worker,
  type WorkerOptions,
  withBackend,
} from 'bullmq';
import { Redis } from 'ioredis';
import type { SendAllowance } from '../../workflows/core/ports';
import { localSendAllowance, redisSendAllowance, type SendLimit } from './send-allowance';

export type AnyQueue = Queue<unknown, unknown, string, unknown, unknown, string, IQueueBackend, unknown>;
export type AnyWorker = Worker<unknown, unknown, string, IQueueBackend>;

/** Queues and workers on one store; the same worker code runs on Redis or on Postgres. */
export type JobBackend = {
  kind: 'redis' | 'postgres';
  queue: (name: string) => AnyQueue;
  worker: (
    name: string,
    processor: Processor,
    options: Omit<WorkerOptions, 'connection' | 'prefix'>,
  ) => AnyWorker;
  /** A send limit shared by every process on this store (see each store's for how far it reaches). */
  sendAllowance: (name: string, limit: SendLimit) => SendAllowance;
  close: () => Promise<void>;
};

export type JobBackendOptions =
  | { redisUrl: string; prefix?: string }
  | { databaseUrl: string; schema?: string };

export function createJobBackend(options: JobBackendOptions): JobBackend {
  return 'redisUrl' in options ? redisBackend(options.redisUrl, options.prefix) : postgresBackend(options);
}

function redisBackend(url: string, prefix = 'accord'): JobBackend {
  const { Queue, Worker } = withBackend(createRedisBackend);
  const connections: Redis[] = [];
  // Producers fail fast while Redis is away (the reconciler re-adds what was lost); workers wait.
  const connect = (forWorker: boolean) => {
    const connection = new Redis(url, {
      maxRetriesPerRequest: forWorker ? null : 1,
      enableOfflineQueue: forWorker,
      lazyConnect: false,
    });
    connection.on('error', () => {});
    connections.push(connection);
    return connection;
  };
  return {
    kind: 'redis',
    queue: (name) => new Queue(name, { connection: connect(false), prefix }) as unknown as AnyQueue,
    worker: (name, processor, options) =>
      new Worker(name, processor, { ...options, connection: connect(true), prefix }) as unknown as AnyWorker,
    sendAllowance: (name, limit) => redisSendAllowance(connect(false), `${prefix}:${name}:allowance`, limit),
    close: async () => {
      // QUIT needs a live server; with Redis gone, drop the socket instead of waiting for it.
      for (const connection of connections) {
        if (connection.status === 'ready') await connection.quit().catch(() => connection.disconnect());
        else connection.disconnect();
      }
    },
  };
}

function postgresBackend(options: { databaseUrl: string; schema?: string }): JobBackend {
  const { Queue, Worker } = withBackend(createPostgresBackend);
  const connection = {
    connectionString: options.databaseUrl,
    schema: options.schema ?? 'bullmq',
    max: 4,
    migrate: true,
  };
  return {
    kind: 'postgres',
    queue: (name) => new Queue(name, { connection }) as unknown as AnyQueue,
    worker: (name, processor, workerOptions) =>
      new Worker(name, processor, { ...workerOptions, connection }) as unknown as AnyWorker,
    sendAllowance: (_name, limit) => localSendAllowance(limit),
    close: async () => {},
  };
}
