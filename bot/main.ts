import { type Accord, startAccord } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { createLogger } from './logger';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\nSee .env.example for every variable and its default.\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
if (config.teams.allowUnauthenticated) {
  logger.warn(
    'TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts unsigned requests. Use it only with the Bot Framework Emulator or in tests.',
  );
}

const startedAt = Date.now();
let accord: Accord;
try {
  accord = await startAccord(config, { logger });
} catch (error) {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
}

const readyIn = Date.now() - startedAt;
logger.info(
  {
    url: accord.url,
    role: config.role,
    database: accord.embeddedDatabase ? 'embedded' : 'DATABASE_URL',
    jobs: accord.queueBackend,
    slack: accord.slackEnabled,
    teams: accord.teamsEnabled,
    readyInMs: readyIn,
  },
  'accord is ready',
);
if (accord.embeddedDatabase || process.stdout.isTTY) {
  process.stdout.write(
    [
      '',
      `Accord is running at ${accord.url} (ready in ${(readyIn / 1000).toFixed(1)} s)`,
      `  health:  ${accord.url}/healthz    metrics: ${accord.url}/metrics`,
      accord.embeddedDatabase
        ? `  data:    embedded Postgres under ${config.dataDir}/ with the demo governance file applied`
        : '  data:    DATABASE_URL',
      '',
      'Next:',
      '  - describe your relationships in a governance file: npm run governance -- plan <file>',
      '  - connect Slack: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (README: Connect Slack)',
      '  - connect Teams: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (README: Connect Teams)',
      '',
    ].join('\n'),
  );
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: no new requests, finishing jobs in flight');
  try {
    await accord.close();
    logger.info('stopped');
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
