// Prosody (Debian's 0.12) as a subject beside the reference server: started from a configuration
// generated into a temporary directory — XMPP over WebSocket on a loopback port, anonymous login
// on `localhost`, SASL PLAIN on `plain.localhost`, multi-user chat on `conference.localhost`
// (rooms created on first join, unlocked) and on `members.localhost` (rooms members-only) — in the
// foreground, no daemon, its data, log and pid file inside that directory, which is removed when
// it stops. Prints "listening on http://127.0.0.1:PORT … pid N" with Prosody's own pid (what the
// probes measure), as every benchmark server does.
//   node dist/bench/servers/prosody.js [--port 0] [--plain-users N]   (PLAIN users u0…uN-1, password "{user}-secret")
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flags } from './fault-dice.js';
import { PROSODY, prosodyConfig } from './prosody-config.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function accepting(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => r(true)).on('error', () => r(false));
      c.unref();
      setTimeout(() => c.destroy(), 200);
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`prosody did not listen on 127.0.0.1:${port} within 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const f = flags(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-prosody-'));
  mkdirSync(join(dir, 'certs'));
  const port = Number(f.port ?? 0) || (await freePort());
  const config = join(dir, 'prosody.cfg.lua');
  writeFileSync(config, prosodyConfig(dir, port));
  // accounts are the operator's to make, with the operator's tool (docs/protocols.md)
  for (let i = 0; i < Number(f['plain-users'] ?? 0); i++) execFileSync('prosodyctl', ['--config', config, 'register', `u${i}`, PROSODY.plainDomain, `u${i}-secret`], { stdio: 'ignore' });
  const child = spawn('prosody', ['--config', config, '-F'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  child.once('exit', (code, signal) => {
    cleanUp();
    if (!stopping) {
      console.error(`prosody exited (${signal ?? code}) before it was stopped`);
      process.exit(1);
    }
    process.exit(0);
  });
  let stopping = false;
  const stop = () => {
    stopping = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('exit', () => child.kill('SIGKILL'));
  await accepting(port, Date.now() + 10_000);
  console.log(`listening on http://127.0.0.1:${port}${PROSODY.path} (prosody, ${dir}) pid ${child.pid}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
