import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export type RunningBot = {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the URL from the "accord is ready" log line. */
  ready: Promise<string>;
  exit: Promise<number | null>;
};

/** Starts `bot/main.ts` as `npm start` does, with exactly the environment given (plus PATH). */
export function spawnBot(env: Record<string, string>): RunningBot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A bot must not outlive what started it (a test run or a bench that crashed): it would go on
  // polling and sending, and load the machine under the next measurement.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((text) => text.includes('"msg":"accord is ready"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`bot exited with ${code} before it was ready:\n${output}`)),
    );
  });
  ready.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, ready, exit };
}
