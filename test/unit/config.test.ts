import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a configuration error');
};

describe('configuration from the environment', () => {
  it('runs with no variables at all, on the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      redisUrl: undefined,
      dataDir: '.data',
      logLevel: 'info',
      role: 'all',
      deliveryRateLimit: 200,
      teamsDeliveryRateLimit: 50,
      slack: undefined,
    });
    expect(config.teams).toMatchObject({
      appId: undefined,
      allowUnauthenticated: false,
      appType: 'MultiTenant',
    });
  });

  it('enables Slack with both its secret and token, and points at SLACK_API_URL', () => {
    const config = loadConfig({
      SLACK_SIGNING_SECRET: 's',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
    });
    expect(config.slack).toEqual({
      signingSecret: 's',
      botToken: 'xoxb-1',
      apiUrl: 'http://127.0.0.1:9999/api/',
    });
    expect(loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }).slack?.apiUrl).toBe(
      'https://slack.com/api/',
    );
  });

  it('reports every problem at once, one actionable line each', () => {
    const problems = problemsOf({
      PORT: '70000',
      DATABASE_URL: 'mysql://db',
      REDIS_URL: 'localhost:6379',
      ROLE: 'both',
      LOG_LEVEL: 'loud',
      DELIVERY_RATE_LIMIT: '5',
      TEAMS_DELIVERY_RATE_LIMIT: 'fifty',
      TEAMS_ALLOW_UNAUTHENTICATED: 'yes',
      SLACK_SIGNING_SECRET: 'only-the-secret',
      MICROSOFT_APP_ID: 'app',
    });
    expect(problems).toEqual([
      'PORT: must be 0 to 65535',
      'DATABASE_URL: must be a URL like postgres://user@host:5432/accord',
      'REDIS_URL: must be a URL like redis://127.0.0.1:6379',
      'TEAMS_ALLOW_UNAUTHENTICATED: use true or false',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'ROLE: must be all, web or worker',
      'DELIVERY_RATE_LIMIT: must be at least 10 messages per second',
      'TEAMS_DELIVERY_RATE_LIMIT: must be a number of messages per second',
      'SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN: set both to enable Slack (from your Slack app settings), or neither',
      'MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID (the bot registration client secret)',
    ]);
  });

  it('never repeats a secret in its messages', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'not-a-bot-token-supersecret',
      SLACK_SIGNING_SECRET: 'sec',
    });
    expect(problems.join('\n')).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(problems.join('\n')).not.toContain('supersecret');
  });

  it('requires a tenant for a single-tenant Teams bot', () => {
    expect(
      problemsOf({ MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TYPE: 'SingleTenant' }),
    ).toEqual(['MICROSOFT_APP_TENANT_ID: required when MICROSOFT_APP_TYPE=SingleTenant']);
  });
});
