// What a GitHub Actions job tells a step about itself, from the standard GITHUB_* variables
// (https://docs.github.com/actions/reference/variables-reference). GITHUB_API_URL is honoured, so
// GitHub Enterprise Server works, and so do the tests' stand-in API.
import { readFileSync } from 'node:fs';

export interface GitHubContext {
  apiUrl: string;
  serverUrl: string;
  /** owner/name */
  repository?: string;
  token?: string;
  runId?: string;
  sha?: string;
  /** The pull request this job runs for, if any. */
  pullRequest?: number;
  stepSummary?: string;
  output?: string;
}

export function githubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const pr = pullRequestNumber(env);
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  const headSha = pullRequestHeadSha(env);
  return {
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
    ...(token ? { token } : {}),
    ...(env.GITHUB_RUN_ID ? { runId: env.GITHUB_RUN_ID } : {}),
    ...((headSha ?? env.GITHUB_SHA) ? { sha: headSha ?? env.GITHUB_SHA } : {}),
    ...(pr !== undefined ? { pullRequest: pr } : {}),
    ...(env.GITHUB_STEP_SUMMARY ? { stepSummary: env.GITHUB_STEP_SUMMARY } : {}),
    ...(env.GITHUB_OUTPUT ? { output: env.GITHUB_OUTPUT } : {}),
  };
}

interface PullRequestEvent {
  number?: number;
  pull_request?: { number?: number; head?: { sha?: string } };
}

function event(env: NodeJS.ProcessEnv): PullRequestEvent | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as PullRequestEvent;
  } catch {
    return undefined;
  }
}

/** From the event payload (pull_request, pull_request_target), else from refs/pull/N/merge. */
function pullRequestNumber(env: NodeJS.ProcessEnv): number | undefined {
  const e = event(env);
  const n = e?.pull_request?.number ?? e?.number;
  if (typeof n === 'number') return n;
  const m = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '');
  return m ? Number(m[1]) : undefined;
}

/** GITHUB_SHA of a pull_request event is the merge commit; the comment names the head. */
function pullRequestHeadSha(env: NodeJS.ProcessEnv): string | undefined {
  return event(env)?.pull_request?.head?.sha;
}

/** The page of this workflow run (its artifacts are listed there). */
export function runUrl(c: GitHubContext): string | undefined {
  return c.repository && c.runId ? `${c.serverUrl}/${c.repository}/actions/runs/${c.runId}` : undefined;
}
