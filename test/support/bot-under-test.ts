import type { Accord } from '../../bot/app';
import { startTestAccord, testConfig } from './accord';
import { createTestDatabase, type TestDatabase } from './database';
import { type FakeBotConnector, startFakeBotConnector } from './fake-bot-connector';
import { type FakeSlack, startFakeSlack } from './fake-slack';
import { writeGovernanceFile } from './governance-file';

export type BotUnderTest = {
  database: TestDatabase;
  slack: FakeSlack;
  /** The fake Bot Connector, which the bot reaches Teams through while Teams is on. */
  connector: FakeBotConnector;
  accord: Accord;
  /** Stops the bot and the fakes, and drops the database. */
  close: () => Promise<void>;
};

export type BotUnderTestOptions = {
  /** The governance file: its YAML text, or the path of a fixture. */
  governance?: { yaml: string } | { file: string };
  /** More environment, over what the bot under test gets anyway. */
  env?: Record<string, string>;
  /** Teams on (unauthenticated, as in the Bot Framework Emulator), as by default, or off. */
  teams?: boolean;
  start?: Parameters<typeof startTestAccord>[1];
};

/**
 * The bot as the end-to-end tests run it: on a database, Redis prefix and job schema of its own, with
 * Slack's Web API and the Bot Connector faked on loopback.
 */
export async function startBotUnderTest(options: BotUnderTestOptions = {}): Promise<BotUnderTest> {
  const database = await createTestDatabase();
  const slack = await startFakeSlack();
  const connector = await startFakeBotConnector();
  let accord: Accord | undefined;
  const close = async () => {
    await accord?.close();
    await slack.close();
    await connector.close();
    await database.drop();
  };
  try {
    const { governance } = options;
    const governanceFile =
      governance && ('file' in governance ? governance.file : await writeGovernanceFile(governance.yaml));
    accord = await startTestAccord(
      testConfig(database, {
        SLACK_API_URL: slack.apiUrl,
        ...(options.teams === false ? {} : { TEAMS_ALLOW_UNAUTHENTICATED: 'true' }),
        ...(governanceFile ? { GOVERNANCE_FILE: governanceFile } : {}),
        ...options.env,
      }),
      options.start,
    );
    return { database, slack, connector, accord, close };
  } catch (error) {
    await close();
    throw error;
  }
}
