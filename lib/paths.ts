// Locate the compiled files that run in other processes (generator workers, the embedded
// server), whether this module runs from dist/ or from the TypeScript sources under vitest.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('chatbench: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** Path of a compiled module, e.g. dist('loadgen/worker/main.js'). */
export function dist(rel: string): string {
  const path = join(packageRoot, 'dist', rel);
  if (!existsSync(path)) throw new Error(`chatbench: ${path} is missing; run \`npm run build\` first`);
  return path;
}

/** This package's version (package.json). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
