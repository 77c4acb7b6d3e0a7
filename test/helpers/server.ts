// Start a real chat server on port 0 for a test.
import { makeConfig, type ServerConfig, type VariantName } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/variants/index.js';
import { startRedis, type RedisProcess } from '../../loadgen/coordinator/redis-process.js';

export const SECRET = 'conformance-secret';

export interface TestServer {
  server: RunningServer;
  ws: string;
  http: string;
  close(): Promise<void>;
}

export async function startTestServer(variant: VariantName, overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const server = await startServer(makeConfig({ variant, port: 0, secret: SECRET, logLevel: 'silent', threads: 2, ...overrides }));
  return {
    server,
    ws: `ws://127.0.0.1:${server.port}/`,
    http: `http://127.0.0.1:${server.port}`,
    close: () => server.close(),
  };
}

/** `nodes` servers of one variant on one real redis-server (started here, stopped by close()).
 * `ws` names the nodes in turn, so consecutive clients — the members of a room in a test — sit
 * on different nodes; `http` is node 0. */
export async function startTestCluster(variant: VariantName, overrides: Partial<ServerConfig> = {}, nodes = 2): Promise<TestServer & { redis: RedisProcess; nodes: TestServer[] }> {
  const redis = await startRedis();
  const members: TestServer[] = [];
  try {
    for (let i = 0; i < nodes; i++) members.push(await startTestServer(variant, { bus: redis.url, nodeId: `node${i}`, ...overrides }));
  } catch (err) {
    await Promise.all(members.map((m) => m.close()));
    await redis.stop();
    throw err;
  }
  let turn = 0;
  return {
    redis,
    nodes: members,
    server: members[0]!.server,
    get ws() {
      return members[turn++ % members.length]!.ws;
    },
    http: members[0]!.http,
    async close() {
      await Promise.all(members.map((m) => m.close()));
      await redis.stop();
    },
  };
}
