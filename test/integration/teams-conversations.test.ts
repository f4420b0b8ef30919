import type { ConversationReference } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationFinder,
  conversationKey,
  personalKey,
  storeConversation,
} from '../../adapters/teams/teams-conversations';
import { createTestDatabase, type TestDatabase } from '../support/database';

const reference = (conversationId: string) =>
  ({
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/emea/',
    bot: { id: '28:accord-bot', name: 'Accord' },
    conversation: { id: conversationId },
  }) as ConversationReference;

describe('finding where the bot reaches a person or a channel', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('answers lookups made together each with its own reference, and none for a stranger', async () => {
    await storeConversation(database.db, personalKey('bob'), reference('a:bob'));
    await storeConversation(database.db, personalKey('tess'), reference('a:tess'));
    await storeConversation(
      database.db,
      conversationKey('19:ops@thread.tacv2'),
      reference('19:ops@thread.tacv2'),
    );
    const find = conversationFinder(database.db);
    const found = await Promise.all(
      [
        personalKey('tess'),
        personalKey('nobody'),
        conversationKey('19:ops@thread.tacv2'),
        personalKey('bob'),
        personalKey('tess'),
      ].map(find),
    );
    expect(found.map((each) => each?.conversation.id)).toEqual([
      'a:tess',
      undefined,
      '19:ops@thread.tacv2',
      'a:bob',
      'a:tess',
    ]);
  });

  it('sees a reference stored since its last lookup (another instance heard from the person)', async () => {
    const find = conversationFinder(database.db);
    expect(await find(personalKey('uma'))).toBeUndefined();
    await storeConversation(database.db, personalKey('uma'), reference('a:uma'));
    expect((await find(personalKey('uma')))?.conversation.id).toBe('a:uma');
    await storeConversation(database.db, personalKey('uma'), reference('a:uma-new'));
    expect((await find(personalKey('uma')))?.conversation.id).toBe('a:uma-new');
  });
});
