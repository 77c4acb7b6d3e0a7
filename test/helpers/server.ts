// Start a real chat server on port 0 for a test.
import { makeConfig, type ServerConfig, type VariantName } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/variants/index.js';

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
