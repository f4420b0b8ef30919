import { SIGNING_SECRET } from '../../../test/support/slack-requests';
import { type RunningBot, spawnBot } from '../../../test/support/spawn-bot';

export type Bots = {
  /** When each bot logged that it is ready (epoch ms), once it has. */
  readyAt: (number | undefined)[];
  ready: Promise<unknown>;
  /** Rejects if a bot exits before it is stopped. */
  crashed: Promise<never>;
  /** Warnings and errors the bots logged, counted by message. */
  logLines: () => [string, number][];
  stop: () => Promise<void>;
};

/** One ROLE=all and one ROLE=worker bot on the same database and Redis: two worker processes. */
export function startBots(env: Record<string, string>): Bots {
  const common = {
    PORT: '0',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    // info: spawnBot waits for the "accord is ready" line, logged at info.
    LOG_LEVEL: 'info',
    ...env,
  };
  const bots: RunningBot[] = [spawnBot({ ...common, ROLE: 'all' }), spawnBot({ ...common, ROLE: 'worker' })];
  const readyAt: (number | undefined)[] = bots.map(() => undefined);
  bots.forEach((bot, i) => {
    bot.ready.then(
      () => {
        readyAt[i] = Date.now();
      },
      () => {},
    );
  });
  let stopping = false;
  const crashed = new Promise<never>((_, reject) => {
    for (const bot of bots) {
      void bot.exit.then((code) => {
        if (!stopping)
          reject(new Error(`a bot exited with ${code} during the run:\n${bot.output().slice(-2000)}`));
      });
    }
  });
  crashed.catch(() => {});
  const ready = Promise.all(bots.map((bot) => bot.ready));
  ready.catch(() => {}); // a bot that dies first is reported through `crashed`
  return {
    readyAt,
    ready,
    crashed,
    logLines: () => countLogLines(bots.map((bot) => bot.output()).join('\n')),
    stop: async () => {
      stopping = true;
      await Promise.all(bots.map(stopBot));
    },
  };
}

/** SIGTERM (the bot finishes jobs in flight within its grace), SIGKILL if it has not exited in 15 s. */
export async function stopBot(bot: RunningBot): Promise<void> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return;
  bot.child.kill('SIGTERM');
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), 15_000);
  await bot.exit;
  clearTimeout(timer);
}

function countLogLines(output: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    let key: string;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) < 40) continue; // below warn
      key = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`;
    } catch {
      key = line;
    }
    key = key.replace(/\s+/g, ' ').trim().slice(0, 140);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts];
}
