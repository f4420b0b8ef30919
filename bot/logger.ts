import { pino } from 'pino';

export type Logger = pino.Logger;

/** JSON logs. Secrets never reach them: known secret fields are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'accord' },
    redact: {
      paths: [
        '*.signingSecret',
        '*.botToken',
        '*.appPassword',
        '*.password',
        '*.token',
        '*.authorization',
        '*.headers.authorization',
        'config.slack',
        'config.teams.appPassword',
      ],
      censor: '[redacted]',
    },
  });
}
