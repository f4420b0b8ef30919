import { type ChildProcess, fork } from 'node:child_process';

/** A forked helper process (tsx's loader is inherited through execArgv) that answers messages. */
export type Helper<Ready, Reply> = {
  ready: Ready;
  /** Sends a message and resolves with the next message the helper sends back. */
  ask: (message: unknown) => Promise<Reply>;
  stop: () => Promise<void>;
};

export async function forkHelper<Ready, Reply>(
  entry: string,
  env: Record<string, string> = {},
): Promise<Helper<Ready, Reply>> {
  const child = fork(entry, [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await nextMessage<Ready>(child, entry);
    return {
      ready,
      ask: (message) => {
        const reply = nextMessage<Reply>(child, entry);
        child.send(message as object);
        return reply;
      },
      stop: () => stop(child),
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

function nextMessage<T>(child: ChildProcess, entry: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) => {
      child.off('message', onMessage);
      reject(new Error(`${entry} exited (code ${code}, signal ${signal}) before answering`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Disconnecting tells the helper to clean up and exit; it is killed if it has not within 5 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
