import { randomBytes } from 'node:crypto';

/** The Redis the tests run on. A file that flushes uses a logical database no other file uses. */
export function testRedisUrl(database = 0): string {
  const url = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  url.pathname = `/${database}`;
  return url.toString();
}

export const uniquePrefix = (label: string) => `test-${label}-${randomBytes(4).toString('hex')}`;
