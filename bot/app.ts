import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { CALENDAR_PATH, calendarUrl, createCalendarHandler } from '../adapters/calendar/calendar-http';
import { createSlackEndpoint } from '../adapters/slack/slack-app';
import { registerSlackEscalations } from '../adapters/slack/slack-escalations';
import { registerSlackGoals } from '../adapters/slack/slack-goals';
import { registerSlackIssues } from '../adapters/slack/slack-issues';
import { registerSlackReviews } from '../adapters/slack/slack-reviews';
import { registerSlackRisks } from '../adapters/slack/slack-risks';
import { createSlackSender } from '../adapters/slack/slack-sender';
import { createTeamsBot } from '../adapters/teams/teams-adapter';
import { TeamsBot } from '../adapters/teams/teams-bot';
import { createTeamsHttpHandler } from '../adapters/teams/teams-http';
import { createTeamsSender } from '../adapters/teams/teams-sender';
import { type Clock, systemClock } from '../workflows/core/clock';
import { warmDeliveryStatements } from '../workflows/core/deliver-notice';
import { warmTimerStatements } from '../workflows/core/timers';
import { escalationJobs, warmRaiseStatements } from '../workflows/escalations/index';
import { applyGovernanceText, formatPlan, readGovernanceRevision } from '../workflows/governance/index';
import { issueJobs, syncDigests } from '../workflows/issues/index';
import { reviewJobs, syncSeriesOnChange, warmOccurrenceReads } from '../workflows/reviews/index';
import { riskJobs } from '../workflows/risks/index';
import { createChat } from './chat';
import type { Config } from './config';
import { openDatabase } from './database';
import { createJobBackend } from './jobs/job-backend';
import { createJobRuntime } from './jobs/job-runtime';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { closeServer, createHttpServer, listen, type Routes, sendJson } from './server';

export const demoGovernanceFile = fileURLToPath(new URL('./demo/governance.yaml', import.meta.url));

export type StartOptions = {
  logger: Logger;
  clock?: Clock;
  reconcileIntervalMs?: number;
  /** How often workers look for raises to route, besides being told of them (tests). */
  dueAtOnceSafetyPollMs?: number;
  /** Namespaces for the job store, so tests can share one Redis or Postgres. */
  redisPrefix?: string;
  jobSchema?: string;
  /** How long a shutdown waits for jobs in flight before closing workers by force. */
  shutdownGraceMs?: number;
};

export type Accord = Awaited<ReturnType<typeof startAccord>>;

/** The composition root: everything the configured role needs, started in order. */
export async function startAccord(config: Config, options: StartOptions) {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const database = await openDatabase(config, (line) => logger.warn({ postgres: line }, 'embedded postgres'));
  const closers: (() => Promise<void>)[] = [() => database.close()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };

  try {
    const governanceFile = config.governanceFile ?? (database.embedded ? demoGovernanceFile : undefined);
    if (governanceFile) {
      const plan = await applyGovernanceText(database.db, await readFile(governanceFile, 'utf8'), {
        actor: 'startup',
        source: governanceFile,
      });
      logger.info({ governanceFile, changes: plan.length }, formatPlan(plan).split('\n').at(-1) ?? '');
    }

    const backend = createJobBackend(
      config.redisUrl
        ? { redisUrl: config.redisUrl, prefix: options.redisPrefix }
        : { databaseUrl: database.url, schema: options.jobSchema },
    );
    const teamsEnabled = Boolean(config.teams.appId) || config.teams.allowUnauthenticated;
    const teamsBot = teamsEnabled
      ? createTeamsBot(config.teams, (error) => logger.error({ err: error }, 'teams turn failed'))
      : undefined;
    const teamsAdapter = teamsBot?.adapter;
    const teamsSender = teamsBot ? createTeamsSender(teamsBot, database.db) : undefined;
    const chat = createChat({
      slack: config.slack ? createSlackSender(config.slack) : undefined,
      teams: teamsSender,
    });
    const jobs = escalationJobs(clock);
    const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
    const reviewTimers = reviewJobs(database.db, clock, { calendarUrl: calendarUrl(publicUrl) });
    const runtime = createJobRuntime({
      backend,
      db: database.db,
      clock,
      chat,
      timerHandlers: new Map([...jobs.timers, ...reviewTimers, ...riskJobs(clock), ...issueJobs(clock)]),
      failureHandlers: new Map(jobs.failures),
      deliveriesPerSecond: config.deliveryRateLimit,
      teamsDeliveriesPerSecond: config.teamsDeliveryRateLimit,
      dueAtOnceSafetyPollMs: options.dueAtOnceSafetyPollMs,
      warmUps: [warmRaiseStatements, warmTimerStatements, warmDeliveryStatements, warmOccurrenceReads],
      reconcileHooks: [
        syncSeriesOnChange(
          () => readGovernanceRevision(database.db),
          () => clock.now(),
        ),
        (unitOfWork) => unitOfWork((work) => syncDigests(work, clock.now())),
      ],
      logger,
      metrics,
    });
    closers.push(() => runtime.close(options.shutdownGraceMs));
    await runtime.warmConnections();
    if (config.role !== 'web') {
      runtime.startWorkers();
      await runtime.startReconciler(options.reconcileIntervalMs ?? 60_000);
    }

    const health = async () => {
      const [databaseUp, queueUp] = await Promise.all([
        database.db.execute(sql`SELECT 1`).then(
          () => true,
          () => false,
        ),
        runtime.healthy(),
      ]);
      return {
        status: databaseUp && queueUp ? 'ok' : 'unavailable',
        database: databaseUp ? 'up' : 'down',
        queue: queueUp ? 'up' : 'down',
        queueBackend: backend.kind,
        role: config.role,
      };
    };
    const routes: Routes = {
      'GET /healthz': async (_req, res) => {
        const state = await health();
        sendJson(res, state.status === 'ok' ? 200 : 503, state);
      },
      [`GET ${CALENDAR_PATH}*`]: createCalendarHandler(database.db, () => clock.now()),
      'GET /metrics': async (_req, res) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      },
    };
    if (config.role !== 'worker') {
      const logError = (error: unknown) => logger.error({ err: error }, 'request failed');
      const commandDeps = { db: database.db, unitOfWork: runtime.unitOfWork, clock, logError };
      const slack = config.slack ? createSlackEndpoint(config.slack, logError) : undefined;
      if (slack) {
        registerSlackEscalations(slack.routes, commandDeps);
        registerSlackReviews(slack.routes, commandDeps);
        registerSlackIssues(slack.routes, commandDeps);
        registerSlackRisks(slack.routes, commandDeps);
        registerSlackGoals(slack.routes, commandDeps);
      }
      routes['POST /slack/events'] = slack
        ? slack.handle
        : (_req, res) =>
            sendJson(res, 404, {
              error: 'Slack is not enabled: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN',
            });
      const teamsHandler =
        teamsAdapter && teamsSender
          ? createTeamsHttpHandler(
              teamsAdapter,
              new TeamsBot(commandDeps, (aadObjectId, text) => teamsSender.sendText({ aadObjectId }, text)),
            )
          : undefined;
      routes['POST /api/messages'] = teamsHandler
        ? teamsHandler
        : (_req, res) =>
            sendJson(res, 401, {
              error:
                'Teams authentication is not configured: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD ' +
                '(or TEAMS_ALLOW_UNAUTHENTICATED=true for the Bot Framework Emulator)',
            });
    }
    const server = createHttpServer(routes, logger, metrics);
    const port = await listen(server, config.port);
    closers.push(() => closeServer(server));

    return {
      url: `http://127.0.0.1:${port}`,
      port,
      db: database.db,
      runtime,
      embeddedDatabase: database.embedded,
      queueBackend: backend.kind,
      slackEnabled: Boolean(config.slack),
      teamsEnabled,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
