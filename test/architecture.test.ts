// The rules between the rooms (docs/architecture.md), checked on the sources' imports: a change
// that adds an arrow the wrong way fails here, not in review.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, as a path from the repository root. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => normalize(join(dirname(file), m[1]!)));
}

/** Imports from files under `from` into files under any of `into`. */
function arrows(from: string, into: string[]): string[] {
  return sources(from).flatMap((f) => imports(f).filter((i) => into.some((room) => i.startsWith(`${room}/`))).map((i) => `${f} → ${relative(ROOT, join(ROOT, i))}`));
}

describe('the rooms and the rules between them', () => {
  it('lib/ and protocol/ stand on nothing of ours but each other', () => {
    expect(arrows('lib', ['protocol', 'server', 'loadgen', 'results', 'reports', 'ci', 'cli', 'bin'])).toEqual([]);
    expect(arrows('protocol', ['server', 'loadgen', 'results', 'reports', 'ci', 'cli', 'bin'])).toEqual([]);
  });

  it('the server knows nothing of the generator, the results or the CLI', () => {
    expect(arrows('server', ['loadgen', 'results', 'reports', 'ci', 'cli', 'bin'])).toEqual([]);
  });

  it('the chat core imports nothing from the rest of server/', () => {
    const core = sources('server/core').flatMap((f) => imports(f).filter((i) => i.startsWith('server/') && !i.startsWith('server/core/')).map((i) => `${f} → ${i}`));
    expect(core).toEqual([]);
  });

  it('results/ is the ground floor that loadgen/, reports/ and ci/ stand on', () => {
    expect(arrows('results', ['loadgen', 'reports', 'ci', 'server', 'cli', 'bin'])).toEqual([]);
    expect(arrows('reports', ['loadgen', 'ci', 'server', 'cli', 'bin'])).toEqual([]);
    // renderers only: no file, process or network I/O in reports/
    const io = sources('reports').filter((f) => /from 'node:(fs|http|net|child_process)'/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(io).toEqual([]);
    expect(arrows('ci', ['loadgen', 'server', 'cli', 'bin'])).toEqual([]);
    expect(arrows('loadgen', ['server', 'cli', 'bin', 'ci'])).toEqual([]);
  });

  it('api/ (the library functions) stands under the commands: it uses their shared plumbing, never a command', () => {
    const plumbing = ['cli/run-once', 'cli/interleave', 'cli/usage-error', 'cli/run-options', 'cli/files/'];
    const commands = sources('api').flatMap((f) => imports(f).filter((i) => (i.startsWith('cli/') && !plumbing.some((p) => i.startsWith(p))) || i.startsWith('bin/')).map((i) => `${f} → ${i}`));
    expect(commands).toEqual([]);
    expect(arrows('ci', ['api'])).toEqual([]);
  });

  it("a generator process's files never import the parent's", () => {
    expect(arrows('loadgen/worker', ['loadgen/coordinator'])).toEqual([]);
  });
});
