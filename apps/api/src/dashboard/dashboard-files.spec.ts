import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDashboardDir, loadDashboardFiles } from './dashboard-files';

describe('the dashboard files', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dashboard-files-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const page = (dir: string) => {
    mkdirSync(join(dir, 'apps', 'dashboard'), { recursive: true });
    writeFileSync(join(dir, 'apps', 'dashboard', 'index.html'), '<!doctype html>');
  };

  it('are found from the built program deep under the repository root', () => {
    page(root);
    const built = join(root, 'dist', 'apps', 'api', 'apps', 'api', 'src', 'dashboard');
    mkdirSync(built, { recursive: true });
    expect(findDashboardDir(built, tmpdir())).toBe(join(root, 'apps', 'dashboard'));
  });

  it('are found under the working directory when the program lives elsewhere', () => {
    const program = join(root, 'program');
    const workingDir = join(root, 'srv');
    mkdirSync(program);
    page(workingDir);
    expect(findDashboardDir(program, workingDir)).toBe(join(workingDir, 'apps', 'dashboard'));
    expect(findDashboardDir(program, program)).toBeNull();
  });

  it('are the page, modules, styles and images of the directory, nothing else', () => {
    page(root);
    const dir = join(root, 'apps', 'dashboard');
    writeFileSync(join(dir, 'main.js'), 'export {};');
    writeFileSync(join(dir, 'dashboard.css'), 'body {}');
    writeFileSync(join(dir, 'notes.md'), '# not served');
    mkdirSync(join(dir, 'nested.js'));
    const files = loadDashboardFiles(dir);
    expect([...files.keys()]).toEqual(['dashboard.css', 'index.html', 'main.js']);
    expect(files.get('main.js')?.contentType).toBe('text/javascript; charset=utf-8');
  });
});
