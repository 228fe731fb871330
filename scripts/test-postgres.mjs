// PostgreSQL for the test run: a probe, and a throwaway cluster (initdb + pg_ctl in a temp dir,
// trust auth, a free port) when none answers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort, onCleanup, onPath, say, tempDir } from './test-env.mjs';

const pg = createRequire(import.meta.url)('pg');

/** 'up', 'down' (nothing listens), 'no-database' (server up, database missing) or an error text. */
export async function probePostgres(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'up';
  } catch (error) {
    if (error.code === '3D000') return 'no-database';
    if (typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code)) return error.message;
    return 'down';
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** initdb and pg_ctl of the newest PostgreSQL under /usr/lib/postgresql, else from PATH. */
export function findPostgresPrograms() {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) {
    const bin = path.join(base, versions[0], 'bin');
    return { initdb: path.join(bin, 'initdb'), pgCtl: path.join(bin, 'pg_ctl') };
  }
  const initdb = onPath('initdb');
  const pgCtl = onPath('pg_ctl');
  return initdb && pgCtl ? { initdb, pgCtl } : null;
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
function postgresRunner(dir) {
  if (process.getuid?.() !== 0)
    return (program, args) => spawnSync(program, args, { encoding: 'utf8' });
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  if (uid.status !== 0) {
    throw new Error(
      'running as root needs a `postgres` user to run PostgreSQL: useradd -r postgres',
    );
  }
  fs.chownSync(dir, Number(uid.stdout), Number(id('-g').stdout));
  const runuser = onPath('runuser');
  return (program, args) =>
    runuser
      ? spawnSync(runuser, ['-u', 'postgres', '--', program, ...args], { encoding: 'utf8' })
      : spawnSync(
          'su',
          ['postgres', '-s', '/bin/sh', '-c', [program, ...args].map(shellQuote).join(' ')],
          {
            encoding: 'utf8',
          },
        );
}

function shellQuote(word) {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export async function startPostgres(programs, wantedUrl) {
  const port = await freePort();
  const dir = tempDir('engine-test-pg-');
  const data = path.join(dir, 'data');
  const run = postgresRunner(dir);
  const check = (result, what) => {
    if (result.status !== 0) {
      throw new Error(
        `${what} failed: ${(result.stderr || result.stdout || result.error?.message || '').trim()}`,
      );
    }
  };
  check(
    run(programs.initdb, [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]),
    'initdb',
  );
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k '${dir}'`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const started = run(programs.pgCtl, [
    '-D',
    data,
    '-l',
    path.join(dir, 'postgres.log'),
    '-w',
    '-t',
    '60',
    '-o',
    serverOptions,
    'start',
  ]);
  onCleanup(() => run(programs.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']));
  check(started, 'pg_ctl start');

  const url = new URL(wantedUrl);
  url.username = 'postgres';
  url.password = '';
  url.hostname = '127.0.0.1';
  url.port = String(port);
  await createDatabase(url.toString());
  say(`started a throwaway PostgreSQL at ${url} (${dir})`);
  return url.toString();
}
