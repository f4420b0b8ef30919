import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromGenerator, RunParams, StepResult, ToGenerator } from './protocol';

const entry = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

export type Generator = {
  /** The fake Slack Web API the generator hosts: the bot's SLACK_API_URL. */
  apiUrl: string;
  run: (params: RunParams) => Promise<StepResult>;
  close: () => Promise<void>;
};

/** Forks the load generator (tsx's loader flags are inherited through execArgv) and waits for it. */
export async function forkGenerator(): Promise<Generator> {
  const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const ready = await nextMessage(child);
    if (ready.type !== 'ready') throw new Error(`load generator: expected ready, got ${ready.type}`);
    return {
      apiUrl: ready.apiUrl,
      run: async (params) => {
        child.send({ type: 'run', params } satisfies ToGenerator);
        const answer = await nextMessage(child);
        if (answer.type === 'result') return answer.result;
        throw new Error(`load generator failed: ${answer.type === 'failed' ? answer.error : answer.type}`);
      },
      close: () => stop(child),
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

function nextMessage(child: ChildProcess): Promise<FromGenerator> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromGenerator) => {
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) => {
      child.off('message', onMessage);
      reject(new Error(`load generator exited (code ${code}, signal ${signal}) before answering`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Disconnects, which makes the generator close its fake Slack and exit; ends it if it does not. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill(), 5000);
  await exited;
  clearTimeout(timer);
}
