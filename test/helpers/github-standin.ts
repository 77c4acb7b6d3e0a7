// A stand-in for the GitHub REST API's issue comments (list, create, edit): a real local HTTP
// server that records every request, so tests see exactly what chatbench sent. `forbid` answers
// 403 as GitHub does to a fork's read-only token.
import { createServer, type Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

export interface GitHubStandIn {
  url: string;
  requests: RecordedRequest[];
  comments: { id: number; body: string }[];
  forbid: boolean;
  close(): Promise<void>;
}

export async function startGitHubStandIn(): Promise<GitHubStandIn> {
  const state: GitHubStandIn = { url: '', requests: [], comments: [], forbid: false, close: () => Promise.resolve() };
  let nextId = 1000;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      state.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (state.forbid) return json(403, { message: 'Resource not accessible by integration' });
      const url = new URL(req.url!, 'http://x');
      const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (list && req.method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const per = Number(url.searchParams.get('per_page') ?? 30);
        return json(200, state.comments.slice((page - 1) * per, page * per).map((c) => ({ ...c, html_url: `https://github.example/c/${c.id}` })));
      }
      if (list && req.method === 'POST') {
        const c = { id: nextId++, body: (body as { body: string }).body };
        state.comments.push(c);
        return json(201, { ...c, html_url: `https://github.example/c/${c.id}` });
      }
      if (one && req.method === 'PATCH') {
        const c = state.comments.find((k) => k.id === Number(one[1]));
        if (!c) return json(404, { message: 'Not Found' });
        c.body = (body as { body: string }).body;
        return json(200, { ...c, html_url: `https://github.example/c/${c.id}` });
      }
      json(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

/** The GITHUB_* variables of a pull_request job whose API is the stand-in. */
export function pullRequestEnv(apiUrl: string, dir: string, eventFile: string, pr = 7): Record<string, string> {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_REPOSITORY: 'octo/chat',
    GITHUB_RUN_ID: '4242',
    GITHUB_TOKEN: 'test-token-123',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REF: `refs/pull/${pr}/merge`,
    GITHUB_STEP_SUMMARY: `${dir}/summary.md`,
    GITHUB_OUTPUT: `${dir}/output.txt`,
  };
}
