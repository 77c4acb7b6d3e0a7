// `chatbench serve`: run a chat server until SIGTERM/SIGINT.
import { DEV_SECRET } from '../protocol/token.js';
import { loadJwks } from '../server/auth/token-verifier.js';
import { makeConfig } from '../server/config.js';
import { parseServerArgs } from '../server/cli-options.js';
import { startServer } from '../server/variants/index.js';
import { asUsage } from './usage-error.js';

export async function serve(args: string[]): Promise<number> {
  const config = asUsage(() => makeConfig(parseServerArgs(args)));
  if (config.jwks) asUsage(() => loadJwks(config.jwks)); // a bad key file is a usage error, said before listening
  if (config.secret === DEV_SECRET && !config.jwks) console.error('chatbench serve: using the DEVELOPMENT secret; set --secret or CHATBENCH_SECRET for anything real');
  if (config.devLogin) console.error('chatbench serve: DEV LOGIN ON — POST /login gives a token for ANY user name; never expose this server');
  if (config.injectCpuUs > 0) console.error(`chatbench serve: FAULT INJECTION ON — every delivery burns ${config.injectCpuUs} µs of CPU`);
  if (config.injectLatencyMs > 0) console.error(`chatbench serve: FAULT INJECTION ON — every delivery delayed by ${config.injectLatencyMs} ms`);
  const server = await startServer(config);
  console.log(`chatbench serve: ${config.variant} listening on http://${config.host}:${server.port} (ws://${config.host}:${server.port}/) pid ${process.pid}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.close();
  console.log('chatbench serve: stopped');
  return 0;
}
