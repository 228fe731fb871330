// The benchmarks (`npm run bench`): runs the TypeScript suites `bench/<name>.bench.ts` without a
// build step (scripts/register-ts.cjs compiles them with @swc/core), prints one table and writes
// `bench/results/<timestamp>-<suites>.json` and `bench/results/latest.md`.
//
//   npm run bench                     every suite
//   npm run bench -- store            only bench/store.bench.ts (several names: several suites)
//   npm run bench -- store --no-save  print, write nothing
//
// Each suite runs in a child process of its own (fresh heap and JIT state, nothing left running
// afterwards) and exports one `run*Bench()` returning `{ name, store?, value, unit, target?, note? }`
// rows. Targets are reported, not asserted: the exit code is non-zero only when a suite throws.
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const benchDir = path.join(root, 'bench');
const resultsDir = path.join(benchDir, 'results');
const require = createRequire(self);
/** A suite that has not finished after this long is stopped and counted as failed. */
const SUITE_TIMEOUT_MS = Number(process.env.BENCH_SUITE_TIMEOUT_MS ?? 10 * 60_000);

const CHILD_FLAG = '--run-suite';

if (process.argv[2] === CHILD_FLAG) {
  await runSuiteHere(process.argv[3]);
} else {
  process.exitCode = await main(process.argv.slice(2));
}

/** In the child: loads one suite, runs it and sends its rows (or its error) to the parent. */
async function runSuiteHere(file) {
  const send = (message) =>
    new Promise((resolve, reject) =>
      process.send(message, (error) => (error ? reject(error) : resolve(undefined))),
    );
  const describe = (error) =>
    error instanceof Error ? (error.stack ?? error.message) : String(error);
  let message;
  try {
    require(path.join(root, 'scripts', 'register-ts.cjs'));
    const suite = require(file);
    const runners = Object.entries(suite).filter(
      ([name, value]) => /^run\w*Bench$/.test(name) && typeof value === 'function',
    );
    if (runners.length !== 1) {
      throw new Error(
        `${path.relative(root, file)} must export exactly one run*Bench() function, found ${runners.length}`,
      );
    }
    const [[, runBench]] = runners;
    message = { rows: await runBench() };
  } catch (error) {
    message = { error: describe(error) };
  }
  try {
    await send(message);
  } catch (error) {
    // e.g. a row holding a bigint, which the IPC channel's JSON cannot carry
    await send({ error: `the suite's rows could not be sent: ${error.message}` });
  }
  // Whatever the suite left open (timers, sockets) must not keep the run waiting.
  process.exit(0);
}

/** In the parent: forks one child for a suite and waits for its rows. */
function runSuiteInChild(file) {
  return new Promise((resolve) => {
    let outcome = { error: 'the suite exited without reporting' };
    const child = fork(self, [CHILD_FLAG, file], {
      cwd: root,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      // --expose-gc lets memory suites settle the heap before they measure it.
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    const timer = setTimeout(() => {
      outcome = { error: `timed out after ${SUITE_TIMEOUT_MS} ms` };
      child.kill('SIGTERM');
    }, SUITE_TIMEOUT_MS);
    child.on('message', (message) => {
      outcome = message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome.rows === undefined && outcome.error === undefined) {
        outcome = { error: `the suite exited with ${signal ?? `code ${code}`}` };
      }
      resolve(outcome);
    });
  });
}

function gitCommit() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
  });
  return `${head.stdout.trim()}${dirty.stdout?.trim() ? ' + uncommitted changes' : ''}`;
}

async function main(args) {
  require(path.join(root, 'scripts', 'register-ts.cjs'));
  const report = require(path.join(benchDir, 'bench-report.ts'));

  const save = !args.includes('--no-save');
  const unknownFlags = args.filter((arg) => arg.startsWith('-') && arg !== '--no-save');
  const available = fs
    .readdirSync(benchDir)
    .filter((name) => name.endsWith('.bench.ts'))
    .map(report.suiteName);
  let selected;
  try {
    if (unknownFlags.length > 0) throw new Error(`unknown option(s): ${unknownFlags.join(', ')}`);
    selected = report.selectSuites(
      available,
      args.filter((arg) => !arg.startsWith('-')),
    );
  } catch (error) {
    console.error(`bench: ${error.message}`);
    console.error('usage: npm run bench [-- <suite>... [--no-save]]');
    return 2;
  }

  const machine = report.describeMachine();
  const startedAt = new Date().toISOString();
  console.log(
    `bench: ${selected.join(', ')} on ${machine.cpus} cpus, Node ${machine.node}, ` +
      `load average ${machine.loadAverageAtStart.map((load) => load.toFixed(2)).join(' ')}`,
  );

  const suites = [];
  const results = [];
  for (const suite of selected) {
    const file = path.join(benchDir, `${suite}.bench.ts`);
    console.log(`bench: running ${path.relative(root, file)}`);
    const started = performance.now();
    let { rows, error } = await runSuiteInChild(file);
    if (error === undefined) {
      try {
        results.push(...report.checkRows(suite, rows));
      } catch (invalid) {
        error = invalid.message;
      }
    }
    const durationMs = Math.round(performance.now() - started);
    console.log(
      `bench: ${suite} ${error === undefined ? 'done' : 'FAILED'} in ${(durationMs / 1000).toFixed(1)} s`,
    );
    suites.push({
      suite,
      file: path.relative(root, file),
      durationMs,
      ...(error ? { error } : {}),
    });
  }

  const run = {
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((v) => Math.round(v * 100) / 100) },
    suites,
    results,
  };
  console.log(`\n${report.formatReport(run)}\n`);
  if (save) {
    const written = report.writeResults(resultsDir, run);
    console.log(
      `bench: wrote ${path.relative(root, written.json)} and ${path.relative(root, written.markdown)}`,
    );
  }
  return suites.some((suite) => suite.error !== undefined) ? 1 : 0;
}
