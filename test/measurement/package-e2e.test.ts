// chatbench as another project uses it: the packed tarball installed into a fresh project outside
// this repository (no compiler, no build), `chatbench init`, and the gate run through the GitHub
// Action's own gate step (read from the installed action.yml) against that project's one-file
// chat server, with a stand-in for the GitHub API. An A/A gate passes and creates the comment; a
// candidate that waits 2 ms before every broadcast fails with 98 and edits the same comment;
// nothing is left running.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot, packageVersion } from '../../lib/paths.js';
import { commentMarker } from '../../ci/github/pr-comment.js';
import { pullRequestEnv, startGitHubStandIn, type GitHubStandIn } from '../helpers/github-standin.js';
import { runningWithTag } from '../helpers/tagged-processes.js';

const tag = randomUUID();
let project: string;
let api: GitHubStandIn;
let eventFile: string;

const running = () => runningWithTag(tag);

beforeAll(async () => {
  const packDir = mkdtempSync(join(tmpdir(), 'chatbench-pack-'));
  // dist/ is built by `npm test` before this pass; packing must not build again
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], { cwd: packageRoot }).toString().trim().split('\n').at(-1)!;
  project = mkdtempSync(join(tmpdir(), 'my-chat-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-chat', version: '1.0.0', private: true }));
  const ws = (JSON.parse(readFileSync(join(packageRoot, 'node_modules', 'ws', 'package.json'), 'utf8')) as { version: string }).version;
  const t0 = Date.now();
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(packDir, packed), `ws@${ws}`], { cwd: project, stdio: 'pipe' });
  console.log(`installed the packed chatbench into a fresh project in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  copyFileSync(join(packageRoot, 'test', 'fixtures', 'one-file-chat-server.cjs'), join(project, 'server.js'));
  api = await startGitHubStandIn();
  eventFile = join(project, 'event.json');
  writeFileSync(eventFile, JSON.stringify({ pull_request: { number: 12, head: { sha: '0123456789abcdef' } } }));
}, 300_000);
afterAll(() => api?.close());

const npx = (args: string[]) => spawnSync(join(project, 'node_modules', '.bin', 'chatbench'), args, { cwd: project, encoding: 'utf8', timeout: 60_000 });

/** The action's gate step, as GitHub would run it: its bash script with the inputs in env. */
async function actionGate(inputs: Record<string, string>, runnerTemp: string) {
  const action = parse(readFileSync(join(project, 'node_modules', 'chatbench', 'action.yml'), 'utf8')) as { runs: { steps: { id?: string; run?: string }[] } };
  const script = action.runs.steps.find((s) => s.id === 'gate')!.run!;
  const env = {
    ...process.env,
    ...pullRequestEnv(api.url, runnerTemp, eventFile, 12),
    GITHUB_ACTION_PATH: join(project, 'node_modules', 'chatbench'),
    RUNNER_TEMP: runnerTemp,
    SCENARIO: 'chatbench.yaml',
    SERVER_CMD: '',
    BASELINE_CMD: '',
    CANDIDATE_CMD: '',
    BASELINE_REF: '',
    ROUNDS: '4',
    PAIRS: '1',
    METRICS: 'e2e.p50:50%',
    ALPHA: '0.05',
    FAIL_ON: 'regression,inconclusive',
    COMMENT: 'true',
    COMMENT_ID: 'default',
    ARTIFACT: 'chatbench-gate',
    ARGS: '--clients 60 --duration 3s',
    ...inputs,
  };
  const t0 = Date.now();
  // not spawnSync: the stand-in API answers from this process's event loop
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd: project, env, timeout: 240_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
  const wallSec = (Date.now() - t0) / 1000;
  console.log(`gate through the action's step: exit ${r.status} in ${wallSec.toFixed(1)} s`);
  return { ...r, wallSec, output: readFileSync(join(runnerTemp, 'output.txt'), 'utf8') };
}

describe('chatbench installed from its tarball into another project', () => {
  it('runs with no build: --version, and init writes a scenario and a workflow once', () => {
    expect(existsSync(join(project, 'node_modules', 'chatbench', 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'chatbench', 'dist', 'test'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'clinic'))).toBe(false); // optional: only profile needs it
    expect(existsSync(join(project, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'better-sqlite3'))).toBe(false); // optional: only the reference server's SQLite needs it
    const serve = npx(['serve', '--port', '0']);
    expect(serve.status).toBe(1);
    expect(serve.stderr).toContain('npm install better-sqlite3@12');
    const v = npx(['--version']);
    expect(v.stdout.trim()).toBe(packageVersion());
    const init = npx(['init']);
    expect(init.status, init.stderr).toBe(0);
    expect(readFileSync(join(project, 'chatbench.yaml'), 'utf8')).toContain('protocol:');
    expect(readFileSync(join(project, '.github', 'workflows', 'chatbench.yml'), 'utf8')).toContain('uses: ./node_modules/chatbench');
    const again = npx(['init']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exist');
    const profile = npx(['profile', 'chatbench.yaml']);
    expect(profile.status).toBe(2);
    expect(profile.stderr).toContain('npm install --save-dev clinic@13');
  });

  it("runs docs/api.md's example as written", () => {
    const doc = readFileSync(join(packageRoot, 'docs', 'api.md'), 'utf8');
    const example = /```js\n(\/\/ example\.mjs[\s\S]*?)```/.exec(doc)![1]!;
    writeFileSync(join(project, 'example.mjs'), example);
    const r = spawnSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toMatch(/^delivered [1-9]\d*, lost 0, e2e p50 [\d.]+ ms \(exit code 0\); .*report\.html$/m);
    expect(r.stdout).toMatch(/^gate verdict: (pass|inconclusive)$/m);
    expect(readFileSync(join(project, 'reports', 'api-both.html'), 'utf8')).toContain('<html');
  }, 200_000);

  it('an A/A gate of its own server passes (exit 0) and creates the pull-request comment', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'runner-'));
    const r = await actionGate({ SERVER_CMD: `node server.js --port {port} --tag ${tag}` }, temp);
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    expect(r.output).toContain('verdict=pass');
    expect(r.stdout).toContain('## chatbench gate: ✅ no regression');
    expect(api.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toContain(commentMarker('default'));
    expect(api.requests.every((q) => q.authorization === 'Bearer test-token-123')).toBe(true);
    expect(readdirSync(join(temp, 'chatbench-gate')).filter((d) => /^(baseline|candidate)-\d$/.test(d))).toHaveLength(8);
    expect(existsSync(join(temp, 'chatbench-gate', 'baseline-1', 'server.stdout.log'))).toBe(true);
    expect(readFileSync(join(temp, 'summary.md'), 'utf8')).toContain('| figure |');
    expect(running()).toEqual([]);
  }, 300_000);

  it('a candidate that waits 2 ms before every broadcast fails (exit 98) and edits the same comment', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'runner-'));
    const r = await actionGate({ BASELINE_CMD: `node server.js --port {port} --tag ${tag}`, CANDIDATE_CMD: `node server.js --port {port} --delay-ms 2 --tag ${tag}` }, temp);
    expect(r.status, r.stderr.slice(-3000)).toBe(98);
    expect(r.output).toContain('verdict=regressed');
    expect(api.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(api.requests.filter((q) => q.method === 'PATCH')).toHaveLength(1);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toContain('## chatbench gate: ❌ regression');
    expect(api.comments[0]!.body).toMatch(/\| e2e p50 \(lower is better\) .*❌ regressed \|/);
    expect(running()).toEqual([]);
  }, 300_000);
});
