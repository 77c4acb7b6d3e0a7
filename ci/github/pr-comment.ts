// One pull-request comment per gate, kept current: found again by a hidden marker and edited on
// every push, never a new comment per push. Plain REST calls (issues comments API) with the job's
// token; nothing here decides the gate's exit code.
import type { GitHubContext } from './context.js';

export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The hidden line that marks the comment; `id` tells apart several gates on one pull request. */
export function commentMarker(id: string): string {
  return `<!-- chatbench-gate:${id} -->`;
}

const PAGE = 100;
/** Pull requests with thousands of comments exist; the search stops here and comments anew. */
const MAX_PAGES = 30;
const TIMEOUT_MS = 15_000;

export async function upsertComment(c: GitHubContext, id: string, body: string): Promise<{ action: 'created' | 'updated'; url: string }> {
  if (!c.repository) throw new GitHubApiError(0, 'GITHUB_REPOSITORY is not set');
  if (c.pullRequest === undefined) throw new GitHubApiError(0, 'this job does not run for a pull request (no pull_request in GITHUB_EVENT_PATH, GITHUB_REF is not refs/pull/N/…)');
  if (!c.token) throw new GitHubApiError(0, 'no token: set GITHUB_TOKEN (the action passes github.token)');
  const marker = commentMarker(id);
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  const base = `${c.apiUrl}/repos/${c.repository}/issues`;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const comments = (await call(c, 'GET', `${base}/${c.pullRequest}/comments?per_page=${PAGE}&page=${page}`)) as { id: number; body?: string; html_url: string }[];
    const mine = comments.find((k) => k.body?.includes(marker));
    if (mine) {
      const updated = (await call(c, 'PATCH', `${base}/comments/${mine.id}`, { body: text })) as { html_url: string };
      return { action: 'updated', url: updated.html_url };
    }
    if (comments.length < PAGE) break;
  }
  const created = (await call(c, 'POST', `${base}/${c.pullRequest}/comments`, { body: text })) as { html_url: string };
  return { action: 'created', url: created.html_url };
}

async function call(c: GitHubContext, method: string, url: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${c.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'chatbench',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new GitHubApiError(0, `${method} ${url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let why = text.slice(0, 300);
    try {
      why = (JSON.parse(text) as { message?: string }).message ?? why;
    } catch {
      // not JSON: the text itself
    }
    throw new GitHubApiError(res.status, `${method} ${url}: HTTP ${res.status} ${why}`);
  }
  return text ? JSON.parse(text) : undefined;
}
