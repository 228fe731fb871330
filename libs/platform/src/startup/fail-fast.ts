import { PolicyError } from '@engine/domain';
import { ConfigError } from '../config/config-error';
import { StartupError } from './startup-error';

/** Where a failed start-up reports and how it ends; the process by default, a fake in tests. */
export interface StartupExit {
  readonly writeError: (text: string) => void;
  readonly exit: (code: number) => void;
}

const processExit: StartupExit = {
  writeError: (text) => process.stderr.write(text),
  exit: (code) => process.exit(code),
};

/**
 * Runs a program's start-up. A mistake in its configuration or support policy ends the process
 * with exit code 1 and one message, `Cannot start: <why>`, never a stack trace. Anything else
 * that breaks start-up is a bug or an outage: it gets the same first line, then its stack.
 */
export async function failFast(
  start: () => Promise<unknown> | unknown,
  out: StartupExit = processExit,
): Promise<void> {
  try {
    await start();
  } catch (error) {
    out.writeError(`Cannot start: ${describeStartupError(error)}\n`);
    out.exit(1);
  }
}

/** The message for a failed start-up: the reason alone when the operator can fix it. */
export function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError || error instanceof PolicyError || error instanceof StartupError)
    return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const port = (error as { port?: unknown }).port;
    const reason = code === 'EADDRINUSE' ? 'is already in use' : 'may not be used by this user';
    return `PORT: port ${String(port ?? '')} ${reason}`;
  }
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
