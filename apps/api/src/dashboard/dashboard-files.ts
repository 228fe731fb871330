import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/** The dashboard's sources, relative to the repository root: served as they are, no build. */
export const DASHBOARD_SOURCE_DIR = join('apps', 'dashboard');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface DashboardFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * Finds `apps/dashboard` above `from`: the same code runs from `apps/api/src` (tests, ts runners)
 * and from `dist/apps/api/apps/api/src` (`npm start`), and both sit under the repository root. A
 * program copied elsewhere (an image) finds it under its working directory.
 */
export function findDashboardDir(
  from: string = __dirname,
  workingDir: string = process.cwd(),
): string | null {
  return findAbove(from) ?? findAbove(workingDir);
}

function findAbove(start: string): string | null {
  let dir = start;
  for (;;) {
    const candidate = join(dir, DASHBOARD_SOURCE_DIR);
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The dashboard's files by name (`index.html`, `dashboard.css`, `live.js`...), read once: the set
 * is fixed at start-up, so a request can only ever name one of them (no path reaches the disk).
 */
export function loadDashboardFiles(dir: string): ReadonlyMap<string, DashboardFile> {
  const files = new Map<string, DashboardFile>();
  for (const name of readdirSync(dir).sort()) {
    const contentType = CONTENT_TYPES[extname(name)];
    const path = join(dir, name);
    if (contentType === undefined || !statSync(path).isFile()) continue;
    files.set(name, { body: readFileSync(path), contentType });
  }
  return files;
}
