import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', ''], { message: 'use true or false' })
  .optional()
  .transform((value) => value === 'true' || value === '1');

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const urlWithScheme = (schemes: string[], example: string) =>
  optionalText.refine(
    (value) => value === undefined || schemes.some((scheme) => value.startsWith(`${scheme}://`)),
    { message: `must be a URL like ${example}` },
  );

const environment = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0 to 65535')
    .max(65535, 'must be 0 to 65535')
    .default(3000),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql'], 'postgres://user@host:5432/accord'),
  REDIS_URL: urlWithScheme(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xoxb-'), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_API_URL: z
    .string()
    .default('https://slack.com/api/')
    .refine((value) => /^https?:\/\/\S+$/.test(value), { message: 'must be an http(s) URL' })
    .transform((value) => (value.endsWith('/') ? value : `${value}/`)),
  MICROSOFT_APP_ID: optionalText,
  MICROSOFT_APP_PASSWORD: optionalText,
  MICROSOFT_APP_TYPE: z
    .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      message: 'must be MultiTenant, SingleTenant or UserAssignedMSI',
    })
    .default('MultiTenant'),
  MICROSOFT_APP_TENANT_ID: optionalText,
  TEAMS_ALLOW_UNAUTHENTICATED: flag,
  GOVERNANCE_FILE: optionalText,
  PUBLIC_URL: optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s/]+/.test(value), {
    message: 'must be the http(s) address people reach the bot at, like https://accord.example.com',
  }),
  DATA_DIR: z.string().min(1, 'must not be empty').default('.data'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  ROLE: z.enum(['all', 'web', 'worker'], { message: 'must be all, web or worker' }).default('all'),
  DELIVERY_RATE_LIMIT: z.coerce
    .number({ message: 'must be a number of messages per second' })
    .int('must be a whole number of messages per second')
    .min(10, 'must be at least 10 messages per second')
    .max(10_000, 'must be at most 10000 messages per second')
    .default(200),
  TEAMS_DELIVERY_RATE_LIMIT: z.coerce
    .number({ message: 'must be a number of messages per second' })
    .int('must be a whole number of messages per second')
    .min(1, 'must be at least 1 message per second')
    .max(10_000, 'must be at most 10000 messages per second')
    .default(50),
});

export type Config = {
  port: number;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  logLevel: z.output<typeof environment>['LOG_LEVEL'];
  role: 'all' | 'web' | 'worker';
  /** Messages per second all workers together send at most (the platforms' 429s still apply). */
  deliveryRateLimit: number;
  /** Of those, messages per second to Teams at most (Teams allows a bot 50 a second in a tenant). */
  teamsDeliveryRateLimit: number;
  governanceFile: string | undefined;
  /** Where people reach the bot, for links it sends (calendar files); unset: the local address. */
  publicUrl: string | undefined;
  slack: { signingSecret: string; botToken: string; apiUrl: string } | undefined;
  /** Teams is enabled with an app id, or explicitly without authentication (Emulator, local tests). */
  teams: {
    appId: string | undefined;
    appPassword: string | undefined;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string | undefined;
    allowUnauthenticated: boolean;
  };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

/** The only reader of process.env. Every problem is reported at once, one line each. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environment.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  problems.push(...pairingProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    role: e.ROLE,
    deliveryRateLimit: e.DELIVERY_RATE_LIMIT,
    teamsDeliveryRateLimit: e.TEAMS_DELIVERY_RATE_LIMIT,
    governanceFile: e.GOVERNANCE_FILE,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    slack:
      e.SLACK_SIGNING_SECRET && e.SLACK_BOT_TOKEN
        ? { signingSecret: e.SLACK_SIGNING_SECRET, botToken: e.SLACK_BOT_TOKEN, apiUrl: e.SLACK_API_URL }
        : undefined,
    teams: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      appType: e.MICROSOFT_APP_TYPE,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      allowUnauthenticated: e.TEAMS_ALLOW_UNAUTHENTICATED,
    },
  };
}

/** Settings that only make sense together, checked on the raw values so they join the list above. */
function pairingProblems(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => Boolean(env[name]?.trim());
  const problems: string[] = [];
  if (set('SLACK_SIGNING_SECRET') !== set('SLACK_BOT_TOKEN')) {
    problems.push(
      'SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN: set both to enable Slack (from your Slack app settings), or neither',
    );
  }
  const appType = env.MICROSOFT_APP_TYPE?.trim() || 'MultiTenant';
  if (set('MICROSOFT_APP_ID') && !set('MICROSOFT_APP_PASSWORD') && appType !== 'UserAssignedMSI') {
    problems.push(
      'MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID (the bot registration client secret)',
    );
  }
  if (appType === 'SingleTenant' && !set('MICROSOFT_APP_TENANT_ID')) {
    problems.push('MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE=SingleTenant');
  }
  return problems;
}
