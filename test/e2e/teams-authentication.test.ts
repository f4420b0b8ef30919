import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Accord } from '../../bot/app';
import { startTestAccord, testConfig } from '../support/accord';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { postActivity, startFakeBotConnector, teamsActivity } from '../support/fake-bot-connector';

describe('Teams authentication is never silently off', () => {
  let database: TestDatabase;
  let connector: Awaited<ReturnType<typeof startFakeBotConnector>>;
  const started: Accord[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    connector = await startFakeBotConnector();
  });
  afterAll(async () => {
    for (const accord of started) await accord.close();
    await connector?.close();
    await database?.drop();
  });

  it('answers 401 on /api/messages without MICROSOFT_APP_ID, and never runs the bot', async () => {
    const accord = await startTestAccord(testConfig(database));
    started.push(accord);
    const response = await postActivity(
      accord.url,
      teamsActivity(connector.serviceUrl, { text: 'hello', aadObjectId: 'aad-mallory' }),
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toContain('MICROSOFT_APP_ID');
    expect(connector.calls).toHaveLength(0);
  });

  it('with an app id, refuses an activity that carries no Bot Framework token', async () => {
    const accord = await startTestAccord(
      testConfig(database, {
        MICROSOFT_APP_ID: '00000000-0000-4000-8000-00000000a11d',
        MICROSOFT_APP_PASSWORD: 's',
      }),
    );
    started.push(accord);
    const response = await postActivity(
      accord.url,
      teamsActivity(connector.serviceUrl, { text: 'hello', aadObjectId: 'aad-mallory' }),
    );
    expect(response.status).toBe(401);
    expect(connector.calls).toHaveLength(0);
  });
});
