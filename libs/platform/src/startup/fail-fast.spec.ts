import { ConfigError } from '../config/config-error';
import { failFast, type StartupExit } from './fail-fast';
import { StartupError } from './startup-error';

function recorder(): StartupExit & { written: string; codes: number[] } {
  const out = {
    written: '',
    codes: [] as number[],
    writeError: (text: string) => {
      out.written += text;
    },
    exit: (code: number) => {
      out.codes.push(code);
    },
  };
  return out;
}

describe('failFast', () => {
  it('lets a good start-up run and exits nothing', async () => {
    const out = recorder();
    await failFast(async () => undefined, out);
    expect(out).toMatchObject({ written: '', codes: [] });
  });

  it('prints one message without a stack and exits 1 on a configuration mistake', async () => {
    const out = recorder();
    await failFast(() => {
      throw new ConfigError([{ variable: 'PORT', reason: 'must be an integer' }]);
    }, out);
    expect(out.written).toBe('Cannot start: PORT: must be an integer\n');
    expect(out.codes).toEqual([1]);
  });

  it('prints a missing service as its one sentence', async () => {
    const out = recorder();
    await failFast(() => {
      throw new StartupError('Redis is not answering at redis://127.0.0.1:1: start one.');
    }, out);
    expect(out.written).toBe(
      'Cannot start: Redis is not answering at redis://127.0.0.1:1: start one.\n',
    );
    expect(out.codes).toEqual([1]);
  });

  it('names the port that is taken', async () => {
    const out = recorder();
    const taken = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 3000 });
    await failFast(async () => Promise.reject(taken), out);
    expect(out.written).toBe('Cannot start: PORT: port 3000 is already in use\n');
  });

  it('keeps the stack of an unexpected error, which is a bug', async () => {
    const out = recorder();
    await failFast(() => {
      throw new TypeError('x is undefined');
    }, out);
    expect(out.written).toMatch(/^Cannot start: TypeError: x is undefined\n\s+at /);
    expect(out.codes).toEqual([1]);
  });
});
