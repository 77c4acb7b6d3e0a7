// The gate's GitHub publishing against a stand-in for the REST API (a real local HTTP server):
// one comment per gate, created once and edited after; the token sent; the verdict table in it;
// a fork's 403 turned into a job-summary note, never a failure.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubContext } from '../ci/github/context.js';
import { publishVerdict } from '../ci/github/publish.js';
import { commentMarker } from '../ci/github/pr-comment.js';
import { decide } from '../ci/decide.js';
import { parseMetricSpec } from '../ci/metric-spec.js';
import { verdictMarkdown } from '../ci/verdict-markdown.js';
import { readResult } from '../cli/files/run-files.js';
import { pullRequestEnv, startGitHubStandIn, type GitHubStandIn } from './helpers/github-standin.js';

const fixture = readResult(join(import.meta.dirname, 'fixtures', 'result-v2.json'));
const decision = decide([parseMetricSpec('latencyMs.e2e.p50:10%')], [fixture, fixture, fixture, fixture], [fixture, fixture, fixture, fixture]);
const markdown = verdictMarkdown(decision, { scenario: 'smoke', rounds: 4, baseline: 'base', candidate: 'head', alpha: 0.05 });

let api: GitHubStandIn;
let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  api = await startGitHubStandIn();
  dir = mkdtempSync(join(tmpdir(), 'chatbench-gh-'));
  const event = join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: 'abcdef0123456789' } } }));
  env = pullRequestEnv(api.url, dir, event);
});
afterEach(() => api.close());

const publish = (verdict: 'pass' | 'regressed', commentId?: string) =>
  publishVerdict({ verdict, markdown, out: '/runs/gate-1' }, { comment: true, artifact: 'chatbench-gate', ...(commentId ? { commentId } : {}), context: githubContext(env), log: () => {} });

describe('the pull-request comment', () => {
  it('is created by the first gate and edited by the next, with the token and the verdict table', async () => {
    // somebody else's comments come first, more than one page of them
    for (let i = 0; i < 130; i++) api.comments.push({ id: i + 1, body: `a reviewer's comment ${i}` });
    const first = await publish('pass');
    expect(first.comment?.action).toBe('created');
    const second = await publish('regressed');
    expect(second.comment?.action).toBe('updated');
    const mine = api.comments.filter((c) => c.body.includes(commentMarker('default')));
    expect(mine).toHaveLength(1);
    expect(api.comments).toHaveLength(131); // nobody else's comment was touched or added to
    expect(api.comments.slice(0, 130).every((c, i) => c.body === `a reviewer's comment ${i}`)).toBe(true);
    const posts = api.requests.filter((r) => r.method === 'POST');
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(posts).toHaveLength(1);
    expect(patches).toHaveLength(1);
    expect(patches[0]!.url).toBe(`/repos/octo/chat/issues/comments/${mine[0]!.id}`);
    expect(posts[0]!.url).toBe('/repos/octo/chat/issues/7/comments');
    for (const r of api.requests) expect(r.authorization).toBe('Bearer test-token-123');
    expect(mine[0]!.body).toContain('| figure | baseline (median) | candidate (median) |');
    expect(mine[0]!.body).toContain('## chatbench gate:');
    expect(mine[0]!.body).toContain('`chatbench-gate` artifact of [workflow run 4242](https://github.example/octo/chat/actions/runs/4242)');
    expect(mine[0]!.body).toContain('Measured on abcdef012345');
    // the step's outputs and the job summary
    expect(readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toBe('verdict=pass\nreport-dir=/runs/gate-1\nverdict=regressed\nreport-dir=/runs/gate-1\n');
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('| figure | baseline (median) |');
  });

  it('keeps gates with different ids apart on one pull request', async () => {
    await publish('pass', 'fanout');
    await publish('pass', 'connect-storm');
    await publish('pass', 'fanout');
    expect(api.comments).toHaveLength(2);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it("turns a fork's 403 into a note in the job summary, and does not throw", async () => {
    api.forbid = true;
    const p = await publish('pass');
    expect(p.comment).toBeUndefined();
    expect(p.note).toMatch(/HTTP 403 Resource not accessible by integration.*fork/);
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toContain('| figure | baseline (median) |');
    expect(summary).toContain('> **Note:** chatbench could not comment on the pull request');
    expect(readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toContain('verdict=pass');
  });

  it('says why there is no comment outside a pull request', async () => {
    delete env.GITHUB_EVENT_PATH;
    env.GITHUB_REF = 'refs/heads/main';
    const p = await publish('pass');
    expect(p.note).toContain('does not run for a pull request');
    expect(api.requests).toHaveLength(0);
  });
});
