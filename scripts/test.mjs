// The project's one test command (`npm test`): makes sure Redis and PostgreSQL answer (starting
// throwaway instances when they do not and their programs are installed), runs ESLint, the type
// checker and every Jest project, and closes with one line `N passed, N failed[, N skipped]`.
// Extra arguments go to Jest: `npm test -- libs/domain`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanUp, say, tempDir } from './test-env.mjs';
import { ensureServices, ServicesMissing } from './test-services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromRoot = createRequire(path.join(root, 'package.json'));

let runningChild = null;

/** Ends the running check or Jest first, then the servers it was using. */
function stopEverything() {
  if (runningChild && runningChild.exitCode === null) runningChild.kill('SIGTERM');
  cleanUp();
}

process.on('exit', stopEverything);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    say(`${signal}: stopping`);
    stopEverything();
    process.exit(128 + os.constants.signals[signal]);
  });
}

/** Prints the closing line CI reads, after every helper server is gone, and exits. */
function finish(code, counts = { passed: 0, failed: 0, skipped: 0 }) {
  stopEverything();
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${skipped}\n`);
  process.exit(code);
}

function binOf(pkg, name = pkg) {
  const manifestPath = requireFromRoot.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  return path.join(path.dirname(manifestPath), typeof bin === 'string' ? bin : bin[name]);
}

function runNode(script, args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, env, stdio: 'inherit' });
    runningChild = child;
    child.on('exit', (code, signal) => {
      runningChild = null;
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
    });
  });
}

function countResults(results) {
  const assertions = results.testResults.flatMap((file) => file.assertionResults);
  // A test file that cannot even run (a syntax error, a throwing import) counts as one failure.
  const brokenFiles = results.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  const executed = (file) =>
    file.assertionResults.filter((a) => a.status === 'passed' || a.status === 'failed').length;
  const intFiles = results.testResults.filter((file) => file.name.endsWith('.int.spec.ts'));
  return {
    passed: assertions.filter((a) => a.status === 'passed').length,
    failed: assertions.filter((a) => a.status === 'failed').length + brokenFiles,
    skipped: assertions.filter((a) => a.status !== 'passed' && a.status !== 'failed').length,
    intExecuted: intFiles.reduce((sum, file) => sum + executed(file), 0),
    intSkipped: intFiles.reduce(
      (sum, file) => sum + file.assertionResults.length - executed(file),
      0,
    ),
  };
}

async function main() {
  const env = await ensureServices({ ...process.env });

  for (const [label, script, args] of [
    ['eslint', binOf('eslint'), ['.']],
    ['tsc', binOf('typescript', 'tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ]) {
    say(`${label} ${args.join(' ')}`);
    const code = await runNode(script, args, env);
    if (code !== 0) {
      say(`FAILED: ${label} exited with ${code}; fix it before the tests run`);
      finish(1);
    }
  }

  const outputFile = path.join(tempDir('engine-test-jest-'), 'results.json');
  // --forceExit: a test that leaves a reconnecting client behind (Redis stopped on purpose) must
  // not keep the run open after the results are in.
  const jestArgs = [
    '--ci',
    '--forceExit',
    '--json',
    `--outputFile=${outputFile}`,
    ...process.argv.slice(2),
  ];
  say(`jest ${jestArgs.join(' ')}`);
  const jestCode = await runNode(binOf('jest'), jestArgs, env);
  if (!fs.existsSync(outputFile)) {
    say(`FAILED: jest exited with ${jestCode} without writing its results`);
    finish(jestCode || 1);
  }
  const counts = countResults(JSON.parse(fs.readFileSync(outputFile, 'utf8')));

  let code = jestCode;
  if (counts.passed + counts.failed === 0) {
    say('FAILED: no test was executed; a run without tests does not pass');
    code = 1;
  }
  if (process.env.REQUIRE_SERVICE_SUITES === '1' && counts.intExecuted === 0) {
    say(
      `FAILED: REQUIRE_SERVICE_SUITES=1 but no service-backed (*.int.spec.ts) test ran` +
        ` (${counts.intSkipped} skipped): the int suites must run against Redis and PostgreSQL`,
    );
    code = 1;
  } else if (counts.intSkipped > 0) {
    say(`note: ${counts.intSkipped} service-backed (*.int.spec.ts) tests were skipped`);
  }
  if (code === 0 && counts.failed > 0) code = 1;
  finish(code, counts);
}

main().catch((error) => {
  if (error instanceof ServicesMissing) {
    stopEverything();
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  say(`FAILED: ${error.message}`);
  finish(1);
});
