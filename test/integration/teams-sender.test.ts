import type { ConversationReference } from 'botbuilder';
import type { AppCredentials } from 'botframework-connector';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTeamsBot } from '../../adapters/teams/teams-adapter';
import { personalKey, storeConversation } from '../../adapters/teams/teams-conversations';
import { createTeamsSender } from '../../adapters/teams/teams-sender';
import { DeliveryError } from '../../workflows/core/ports';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type FakeBotConnector, startFakeBotConnector } from '../support/fake-bot-connector';

describe('the Teams sender', () => {
  let database: TestDatabase;
  let connector: FakeBotConnector;

  beforeAll(async () => {
    database = await createTestDatabase();
    connector = await startFakeBotConnector();
    await storeConversation(database.db, personalKey('aad-kim'), {
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      bot: { id: '28:accord-bot', name: 'Accord' },
      conversation: { id: 'a:personal-aad-kim' },
    } as ConversationReference);
  });
  afterAll(async () => {
    await connector?.close();
    await database?.drop();
  });

  const sender = (timeoutMs: number) => {
    const bot = createTeamsBot(
      { appId: undefined, appPassword: undefined, appType: 'MultiTenant', tenantId: undefined },
      () => {},
    );
    return createTeamsSender(bot, database.db, { timeoutMs });
  };

  it('sends and updates as the bot, with the token its app credentials hold', async () => {
    const bot = createTeamsBot(
      {
        appId: 'accord-app-id',
        appPassword: 'not-a-real-secret',
        appType: 'MultiTenant',
        tenantId: undefined,
      },
      () => {},
    );
    // Microsoft's login service cannot run here: the credentials' token fetch answers as it would.
    const credentials = (await bot.connectorFor(connector.serviceUrl)).credentials as AppCredentials;
    vi.spyOn(credentials, 'getToken').mockResolvedValue('token-from-login');
    const teams = createTeamsSender(bot, database.db);
    const before = connector.calls.length;

    const { messageId } = await teams.send({ aadObjectId: 'aad-kim' }, { title: 'Signed' });
    await teams.update({ aadObjectId: 'aad-kim' }, messageId, { title: 'Signed, then changed' });

    const [sent, updated] = connector.calls.slice(before);
    expect(sent).toMatchObject({
      method: 'POST',
      path: '/v3/conversations/a%3Apersonal-aad-kim/activities',
      authorization: 'Bearer token-from-login',
      activity: {
        type: 'message',
        from: { id: '28:accord-bot' },
        conversation: { id: 'a:personal-aad-kim' },
      },
    });
    expect(updated).toMatchObject({
      method: 'PUT',
      path: `/v3/conversations/a%3Apersonal-aad-kim/activities/${messageId}`,
      authorization: 'Bearer token-from-login',
      activity: { id: messageId },
    });
    expect(JSON.stringify(updated?.activity)).toContain('Signed, then changed');
  });

  it('sends no token for a bot without an app id (the Emulator)', async () => {
    const before = connector.calls.length;
    await sender(2000).send({ aadObjectId: 'aad-kim' }, { title: 'Unsigned' });
    expect(connector.calls.slice(before)).toEqual([
      expect.objectContaining({ method: 'POST', authorization: undefined }),
    ]);
  });

  /** Sends to `aadObjectId` against a 300 ms timeout while Teams answers after 2 s: what failed. */
  const sendUnanswered = async (aadObjectId: string) => {
    connector.script({ status: 200, delayMs: 2000 });
    const started = Date.now();
    const failure = await sender(300)
      .send({ aadObjectId }, { title: 'Is anyone there?' })
      .catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(1500);
    return failure;
  };

  it('gives up on a send Teams does not answer, as a failure worth retrying', async () => {
    const failure = await sendUnanswered('aad-kim');
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ permanent: false });
    expect((failure as DeliveryError).message).toMatch(/^Teams could not be reached/);
  });

  it('gives up alike on opening a chat with someone new when Teams does not answer', async () => {
    const failure = await sendUnanswered('aad-new');
    expect(failure).toMatchObject({ permanent: false });
    expect(connector.calls.at(-1)).toMatchObject({ method: 'POST', path: '/v3/conversations' });
  });

  it("hands a 429 on opening a chat to the outbox at once, with Teams' Retry-After, not retrying inside", async () => {
    const opened = () => connector.calls.filter((call) => call.path === '/v3/conversations').length;
    const before = opened();
    connector.script({ status: 429, headers: { 'retry-after': '3' } });
    const failure = await sender(10_000)
      .send({ aadObjectId: 'aad-throttled' }, { title: 'Hello' })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ permanent: false, retryAfterMs: 3000 });
    expect(opened() - before).toBe(1);
  });

  it('sends when Teams answers within the time', async () => {
    connector.script({ status: 200, delayMs: 100 });
    const { messageId } = await sender(2000).send({ aadObjectId: 'aad-kim' }, { title: 'Hello, Kim' });
    expect(messageId).toMatch(/^activity-/);
  });
});
