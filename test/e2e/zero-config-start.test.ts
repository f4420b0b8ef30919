import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBot } from '../support/spawn-bot';

describe('npm start with no configuration at all', () => {
  let dataDir: string;

  beforeAll(async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'accord-zero-config-'));
    // Started by root, the embedded Postgres runs as the postgres user, which must enter this folder.
    await chmod(parent, 0o755);
    dataDir = path.join(parent, 'data');
  });
  afterAll(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('runs on an embedded Postgres with the demo governance, stops cleanly, and keeps its data', async () => {
    const first = spawnBot({ DATA_DIR: dataDir, PORT: '0' });
    const url = await first.ready;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ database: 'up', queue: 'up', queueBackend: 'postgres' });
    expect(first.output()).toContain('Plan: ');
    expect(first.output()).toContain('Accord is running at');
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    const second = spawnBot({ DATA_DIR: dataDir, PORT: '0' });
    const secondUrl = await second.ready;
    expect(second.output()).toContain('No changes: the database matches the file.');
    expect((await fetch(`${secondUrl}/healthz`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('refuses to start on a bad environment, naming each problem on its own line', async () => {
    const bot = spawnBot({
      PORT: 'eighty',
      ROLE: 'everything',
      SLACK_BOT_TOKEN: 'xoxb-1',
      DATA_DIR: dataDir,
    });
    expect(await bot.exit).toBe(1);
    const lines = bot.output().split('\n');
    expect(lines).toContain('  PORT: must be a port number');
    expect(lines).toContain('  ROLE: must be all, web or worker');
    expect(bot.output()).not.toContain('xoxb-1');
  });
});
