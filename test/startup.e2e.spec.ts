import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Start-up of the built program, exactly as `npm start` runs it. */
const root = join(__dirname, '..');
const startScript: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
  .start;
const mainFile = join(root, /node (\S+)$/.exec(startScript)?.[1] ?? 'missing-main-in-start-script');
const policyFile = join(root, 'policy/almacare.yaml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMain(env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainFile], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', PORT: '0', ...env },
    });
    const run: Run = { code: null, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ...run, code });
    });
  });
}

/** A local port nothing listens on (taken, then released). */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('start-up of the built API', () => {
  let dir: string;

  beforeAll(() => {
    const nest = join(root, 'node_modules/@nestjs/cli/bin/nest.js');
    const build = spawnSync(process.execPath, [nest, 'build', 'api'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (build.status !== 0)
      throw new Error(`nest build api failed:\n${build.stdout}${build.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'startup-e2e-'));
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops with one line naming SUPPORT_POLICY when the policy file is missing', async () => {
    const run = await runMain({ SUPPORT_POLICY: 'does/not/exist.yaml' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Cannot start: SUPPORT_POLICY: no support policy file at does/not/exist.yaml\n',
    );
  });

  it('stops naming the wrong field of an invalid policy, without a stack trace', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(policyFile, 'utf8').replace('warnAt: 0.75', 'warnAt: lots'));
    const run = await runMain({ SUPPORT_POLICY: broken });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Cannot start: SUPPORT_POLICY: .*broken\.yaml is not a valid/);
    expect(run.stderr).toContain('warnAt');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('stops naming the variable of an invalid configuration', async () => {
    const run = await runMain({ EVENT_STORE: 'mongo', PORT: 'abc' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Cannot start: EVENT_STORE: must be one of sqlite, postgres, esdb (got "mongo"); ' +
        'PORT: must be an integer from 0 to 65535 (got "abc")\n',
    );
  });

  it('stops with one sentence when Redis is not answering', async () => {
    const port = await deadPort();
    const run = await runMain({
      SUPPORT_POLICY: policyFile,
      SQLITE_PATH: join(dir, 'redis-down.sqlite'),
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `Cannot start: Redis is not answering at redis://127.0.0.1:${port}: start one ` +
        '(redis-server, or docker compose -f docker/compose.yml up -d redis) or set REDIS_URL.\n',
    );
  });

  it('listens, answers /health/live and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [mainFile], {
      cwd: root,
      env: {
        ...process.env,
        NO_COLOR: '1',
        PORT: '0',
        SUPPORT_POLICY: policyFile,
        SQLITE_PATH: join(dir, 'engine.sqlite'),
      },
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in:\n${output}`)), 30_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /Incident engine listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
    });
    try {
      const response = await fetch(`${url}/health/live`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
      // The built program finds the dashboard's files (served as they are, from apps/dashboard).
      const dashboard = await fetch(`${url}/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain('/dashboard/main.js');
      expect((await fetch(`${url}/dashboard/live.js`)).status).toBe(200);
    } finally {
      const exited = new Promise<string>((resolve) =>
        child.on('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
      );
      child.kill('SIGTERM');
      // Graceful shutdown: stop accepting, finish what is in flight, close, exit 0.
      expect(await exited).toBe('exit 0');
    }
  }, 60_000);
});
