import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

// A user's clone has nothing beside it, so no tracked file may point at a
// path that climbs out of the repository.
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], {
  cwd: __dirname,
  encoding: 'utf8',
}).trim();

const RELATIVE = /(?:\.\.\/)+[\w.@-]+/g;

// Config files and the browser tests' config name paths from the folder the
// backend or the app runs in, not from their own folder.
const WORKING_DIRS = ['packages/backend', 'packages/app'];

const inside = (target: string) =>
  target === root || target.startsWith(`${root}${path.sep}`);

function pathsOutside(file: string, text: string): string[] {
  const dirs = [path.dirname(file), ...WORKING_DIRS];
  return (text.match(RELATIVE) ?? []).filter(
    ref => !dirs.some(dir => inside(path.resolve(root, dir, ref))),
  );
}

describe('the repository', () => {
  it('names no path outside itself', () => {
    const files = execFileSync('git', ['ls-files', '-z'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(
        f =>
          f && f !== 'package-lock.json' && fs.existsSync(path.join(root, f)),
      );
    const found = files.flatMap(file => {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      return pathsOutside(file, text).map(ref => `${file}: ${ref}`);
    });
    expect(found).toEqual([]);
  });

  it('catches a path beside the repository', () => {
    expect(
      pathsOutside('deploy/src/x.ts', "'../../../elsewhere/schemas'"),
    ).toEqual(['../../../elsewhere']);
    expect(pathsOutside('deploy/src/x.ts', "'../../packages/app'")).toEqual([]);
  });
});
