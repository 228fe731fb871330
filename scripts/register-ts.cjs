// A require hook for running the TypeScript sources without a build step (the benchmarks, the
// engine's processes in the fault tests, the SQLite writer thread under Jest): `.ts` files are
// compiled on the fly with @swc/core (the same settings Jest uses through @swc/jest) and the
// `@engine/<name>` path aliases resolve to `libs/<name>/src`, as tsconfig.json's `paths` do.
// Usage: `require('./scripts/register-ts.cjs')`, or `node -r ./scripts/register-ts.cjs`.
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const alias = /^@engine\/([a-z0-9-]+)(\/.*)?$/;

const swcOptions = {
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
  module: { type: 'commonjs' },
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
};

if (!Module._extensions['.ts']) {
  // Stack traces point into the .ts sources (through the inline source maps).
  process.setSourceMapsEnabled(true);

  Module._extensions['.ts'] = function compileTypeScript(module, filename) {
    const source = require('node:fs').readFileSync(filename, 'utf8');
    const { code } = transformSync(source, { ...swcOptions, filename });
    module._compile(code, filename);
  };

  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveEngineAlias(request, ...rest) {
    const match = alias.exec(request);
    const target = match ? path.join(root, 'libs', match[1], 'src', match[2] ?? '') : request;
    return resolveFilename.call(this, target, ...rest);
  };
}

module.exports = { root };
