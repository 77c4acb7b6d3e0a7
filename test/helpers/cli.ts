// `chatbench …` as a child process for a test: its exit code and output, never a throw, so a test
// can assert on a failing command's code and words.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dist } from '../../lib/paths.js';

const exec = promisify(execFile);

export type Outcome = { code: number; stdout: string; stderr: string };

export function runCli(args: string[], o: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<Outcome> {
  return exec(process.execPath, [dist('bin/chatbench.js'), ...args], { timeout: o.timeoutMs ?? 60_000, ...(o.env ? { env: { ...process.env, ...o.env } } : {}) }).then(
    (r) => ({ code: 0, ...r }),
    (e: Outcome) => e,
  );
}
