import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadEngineConfig } from '@engine/platform';
import { DASHBOARD_SOURCE_DIR } from '../apps/api/src/dashboard/dashboard-files';

/**
 * The deployment files (docker/Dockerfile, docker/compose.yml) and the README's "Production"
 * section, checked without a container engine: the Dockerfile is parsed, the compose file is
 * resolved by `docker-compose config`.
 */
const root = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

/** Where `nest build <project>` puts a program's entry file (its tsconfig.app.json outDir/rootDir). */
function builtMain(project: 'api' | 'worker'): string {
  const tsconfig = JSON.parse(read(`apps/${project}/tsconfig.app.json`));
  const { outDir, rootDir } = tsconfig.compilerOptions as { outDir: string; rootDir: string };
  const base = join(root, 'apps', project);
  const source = join(base, 'src/main.ts');
  const out = join(resolve(base, outDir), source.slice(resolve(base, rootDir).length));
  return posix.normalize(
    out
      .slice(root.length + 1)
      .replace(/\.ts$/, '.js')
      .split('\\')
      .join('/'),
  );
}

function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) return '';
  const end = lines.findIndex((line, index) => index > start && /^## /.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

// ---- Dockerfile ----

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
interface Stage {
  readonly image: string;
  readonly name: string | null;
  readonly instructions: Instruction[];
}

/** Stages of a Dockerfile: `FROM image [AS name]` and the instructions up to the next FROM. */
function dockerfileStages(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ') // line continuations
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ image: from?.[1] ?? args, name: from?.[2] ?? null, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1]?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const argsOf = (stage: Stage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** `COPY --from=<stage> <source...> <destination>`: source paths by the stage they come from. */
function copiesFrom(stage: Stage): { from: string | null; sources: string[] }[] {
  return argsOf(stage, 'COPY').map((args) => {
    const words = args.split(/\s+/);
    const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length) ?? null;
    const paths = words.filter((word) => !word.startsWith('--'));
    return { from, sources: paths.slice(0, -1) };
  });
}

describe('docker/Dockerfile', () => {
  const stages = dockerfileStages(read('docker/Dockerfile'));
  const runtime = stages[stages.length - 1] as Stage;
  const build = stages.find((stage) => stage.name !== null && stage !== runtime);
  const runtimeCopies = copiesFrom(runtime);
  const copiedFromBuild = runtimeCopies
    .filter((copy) => copy.from === build?.name)
    .flatMap((copy) =>
      copy.sources.map((source) => posix.normalize(source.replace(/^\/app\//, ''))),
    );

  it('builds in a full Node 20 image and runs on the slim one', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build?.image).toMatch(/^node:20(\.[\d.]+)?-bookworm$/);
    expect(runtime.image).toMatch(/^node:20(\.[\d.]+)?-bookworm-slim$/);
  });

  it('compiles both programs in the build stage and removes the dev dependencies there', () => {
    const runs = argsOf(build as Stage, 'RUN').join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm (prune|ci)\b[^\n&|;]*--omit=dev/);
    const buildScript: string = JSON.parse(read('package.json')).scripts.build;
    expect(buildScript).toMatch(/\bnest build api\b/);
    expect(buildScript).toMatch(/\bnest build worker\b/);
  });

  it('ships only the pruned node_modules, the programs and the files they read at run time', () => {
    // No install in the runtime stage: its node_modules is the build stage's, after the prune.
    expect(argsOf(runtime, 'RUN').join('\n')).not.toMatch(/\bnpm (ci|install|i)\b/);
    const supportPolicy = CONFIG_VARIABLES.find((v) => v.name === 'SUPPORT_POLICY')?.default;
    expect(copiedFromBuild).toEqual(
      expect.arrayContaining([
        'node_modules',
        'dist',
        dirname(supportPolicy ?? 'missing'),
        DASHBOARD_SOURCE_DIR.split('\\').join('/'),
      ]),
    );
    // Nothing from the build context itself (sources, tests) in the runtime image.
    expect(runtimeCopies.filter((copy) => copy.from === null)).toEqual([]);
  });

  it('runs as an unprivileged user in production mode', () => {
    const user = argsOf(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(argsOf(runtime, 'ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
  });

  it('checks /health/live and starts the API by default', () => {
    const healthcheck = argsOf(runtime, 'HEALTHCHECK').at(-1) ?? '';
    expect(healthcheck).toMatch(/CMD .*node.*\/health\/live/);
    expect(JSON.parse(argsOf(runtime, 'CMD').at(-1) ?? '[]')).toEqual(['node', builtMain('api')]);
    const startScript: string = JSON.parse(read('package.json')).scripts.start;
    expect(startScript).toContain(`node ${builtMain('api')}`);
  });
});

// ---- docker/compose.yml ----

interface ComposeRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const composeInstalled = !spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).error;
const composeFile = read('docker/compose.yml');
/** Variables the compose file requires (`${NAME:?message}`). */
const requiredVariables = [...new Set([...composeFile.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]))];
/** Secrets that satisfy the engine's own checks (AUTH_JWT_SECRET length, a 32-byte key). */
const secrets: Record<string, string> = {
  AUTH_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters',
  WEBHOOK_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  POSTGRES_PASSWORD: 'a-password',
};

let envFileDir: string | undefined;
/** `docker-compose config` with exactly `env` (no variables of this shell, no docker/.env). */
function composeConfig(env: Record<string, string>): Promise<ComposeRun> {
  envFileDir ??= mkdtempSync(join(tmpdir(), 'compose-env-'));
  const envFile = join(envFileDir, 'empty.env');
  writeFileSync(envFile, '');
  return new Promise((done) => {
    execFile(
      'docker-compose',
      ['--env-file', envFile, '-f', join(root, 'docker/compose.yml'), 'config'],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}
afterAll(() => envFileDir && rmSync(envFileDir, { recursive: true, force: true }));

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: { target: number; published?: string | number }[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

if (!composeInstalled) {
  const reason = 'docker/compose.yml checks skipped: docker-compose is not installed';
  if (process.env.REQUIRE_SERVICE_SUITES === '1') {
    it('docker/compose.yml: docker-compose is required (REQUIRE_SERVICE_SUITES=1)', () => {
      throw new Error('docker-compose is not installed: apt-get install docker-compose');
    });
  } else {
    it(reason, () => console.warn(`${reason} (apt-get install docker-compose)`));
  }
} else {
  describe('docker/compose.yml', () => {
    let resolved: ComposeRun;
    let services: Record<string, ComposeService>;
    let withoutOne: Map<string, ComposeRun>;

    beforeAll(async () => {
      const [complete, ...missing] = await Promise.all([
        composeConfig(secrets),
        ...requiredVariables.map((name) =>
          composeConfig(
            Object.fromEntries(Object.entries(secrets).filter(([key]) => key !== name)),
          ),
        ),
      ]);
      resolved = complete as ComposeRun;
      services = resolved.code === 0 ? parse(resolved.stdout).services : {};
      withoutOne = new Map(requiredVariables.map((name, index) => [name, missing[index]!]));
    }, 60_000);

    it('is valid for docker-compose config with the secrets set', () => {
      expect(resolved.stderr).toBe('');
      expect(resolved.code).toBe(0);
      expect(Object.keys(services)).toEqual(
        expect.arrayContaining(['api', 'worker', 'eventstore', 'postgres', 'redis']),
      );
    });

    it('fails naming the variable when a secret is missing', () => {
      expect(requiredVariables).toEqual(
        expect.arrayContaining(['AUTH_JWT_SECRET', 'WEBHOOK_SECRET_KEY', 'POSTGRES_PASSWORD']),
      );
      for (const [name, run] of withoutOne) {
        const outcome = { name, failed: run.code !== 0, says: run.stderr.includes(`set ${name}`) };
        expect(outcome).toEqual({ name, failed: true, says: true });
      }
    });

    it('runs two API replicas without the worker, reachable on host ports', () => {
      const api = services.api as ComposeService;
      expect(api.deploy?.replicas).toBe(2);
      expect(api.environment?.RUN_WORKER).toBe('false');
      expect(api.ports?.map((port) => port.target)).toEqual([3000]);
      expect(api.command).toBeUndefined(); // the image's CMD: the API
    });

    it('runs two worker replicas of the worker program', () => {
      const worker = services.worker as ComposeService;
      expect(worker.deploy?.replicas).toBe(2);
      const command = Array.isArray(worker.command) ? worker.command : [worker.command];
      expect(command).toEqual(['node', builtMain('worker')]);
      expect(worker.environment?.RUN_WORKER).not.toBe('false');
      expect(worker.ports ?? []).toEqual([]);
    });

    it('builds both from docker/Dockerfile at the repository root, as one image', () => {
      for (const name of ['api', 'worker']) {
        const service = services[name] as ComposeService;
        expect(service.build?.dockerfile).toBe('docker/Dockerfile');
        expect(resolve(service.build?.context ?? '')).toBe(resolve(root));
      }
      expect(services.api?.image).toBeDefined();
      expect(services.worker?.image).toBe(services.api?.image);
    });

    it('gives Redis an append-only file and no eviction', () => {
      const command = (services.redis?.command as string[]).join(' ');
      expect(command).toMatch(/--appendonly yes\b/);
      expect(command).toMatch(/--maxmemory-policy noeviction\b/);
    });

    it('starts the engine after its services are healthy, and restarts everything', () => {
      for (const name of ['api', 'worker']) {
        expect(services[name]?.depends_on).toEqual({
          eventstore: { condition: 'service_healthy' },
          postgres: { condition: 'service_healthy' },
          redis: { condition: 'service_healthy' },
        });
      }
      for (const [name, service] of Object.entries(services)) {
        expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
        expect({ name, test: service.healthcheck?.test?.[0] }).toEqual({
          name,
          test: expect.stringMatching(/^CMD(-SHELL)?$/),
        });
      }
    });

    it("sets only the engine's variables, in values the engine accepts", () => {
      const known = new Set<string>(CONFIG_VARIABLES.map((v) => v.name));
      for (const name of ['api', 'worker']) {
        const environment = services[name]?.environment ?? {};
        expect(Object.keys(environment).filter((key) => !known.has(key))).toEqual([]);
        const config = loadEngineConfig(environment, '/app');
        expect(config).toMatchObject({ eventStore: 'esdb', readStore: 'postgres' });
        expect(config.authJwtSecret).toBe(secrets.AUTH_JWT_SECRET);
        expect(config.webhookSecretKey).not.toBeNull();
        expect(config.runWorker).toBe(name === 'worker');
      }
    });

    it('is explained in the README "Production" section, variable by variable', () => {
      const production = section(read('README.md'), '## Production');
      expect(production).toContain('docker/compose.yml');
      const interpolated = [...new Set([...composeFile.matchAll(/\$\{(\w+)/g)].map((m) => m[1]))];
      const secretVariables = CONFIG_VARIABLES.filter((v) => 'secret' in v && v.secret).map(
        (v) => v.name,
      );
      const named = (variable: string) => production.includes(`\`${variable}`);
      expect([...interpolated, ...secretVariables].filter((v) => !named(v as string))).toEqual([]);
    });
  });
}
