// chatbench on a real XMPP server: Debian's Prosody, started from a generated configuration in a
// temporary directory (bench/servers/prosody.ts), its multi-user chat rooms measured over
// WebSocket. Exactness where Prosody lets us inject no fault: a proxy of ours drops and duplicates
// deliveries, and chatbench's lost and duplicated must equal its counts. Refusals (a wrong domain,
// a wrong chat service, a refused password, a members-only room) end as counted errors with a
// clear word in the summary, never a hang.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dist } from '../lib/paths.js';
import type { Result } from '../results/schema.js';
import { startBenchServer, stopBenchServer, type BenchServer } from '../bench/servers/bench-process.js';
import { PROSODY } from '../bench/servers/prosody-config.js';
import { runCli } from './helpers/cli.js';
import { startXmppFaultProxy } from './helpers/xmpp-fault-proxy.js';
import { expectExact, load, runXmpp, XMPP } from './helpers/prosody-load.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let prosody: BenchServer;
let target: string;
beforeAll(async () => {
  prosody = await startBenchServer([dist('bench/servers/prosody.js'), '--plain-users', '4']);
  target = `ws://127.0.0.1:${prosody.port}/`;
});
afterAll(async () => {
  if (prosody) await stopBenchServer(prosody);
});
const run = (yaml: string, url = target) => runXmpp(yaml, url, prosody.pid);

describe('Prosody multi-user chat over WebSocket', () => {
  it('rooms of 10: delivered = expected, nothing lost, e2e measured, reflections counted as acks', async () => {
    expectExact(await run(load(100, 10, 200) + XMPP), 100, 10);
  });

  it('logs in with SASL PLAIN as the accounts prosodyctl made', async () => {
    expectExact(await run(load(4, 4, 60) + `protocol: {type: xmpp, domain: ${PROSODY.plainDomain}, muc: ${PROSODY.muc}, auth: plain, password: "{user}-secret"}\n`), 4, 4);
  });

  it("drops and duplicates injected by a proxy are chatbench's lost and duplicated, exactly", async () => {
    const proxy = await startXmppFaultProxy(`ws://127.0.0.1:${prosody.port}${PROSODY.path}`, 0.02, 0.01);
    try {
      const r = await run(load(60, 6, 300) + XMPP, proxy.url);
      expect(proxy.counts.dropped).toBeGreaterThan(5);
      expect(proxy.counts.duplicated).toBeGreaterThan(2);
      expectExact(r, 60, 6, proxy.counts);
    } finally {
      await proxy.close();
    }
  });
});

describe('Prosody refusing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-xmpp-'));
  const refused = async (name: string, protocol: string, clients = 4, room = 4) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\nclients: ${clients}\nrampUp: 1s\nduration: 2s\ndrain: 1s\nrooms: {size: ${room}}\nmessageRate: 1\nprotocol: ${protocol}\n`);
    return runCli(['run', file, '--target', target, '--out', join(dir, name)], { timeoutMs: 30_000 });
  };

  const cases: [string, string, string, RegExp][] = [
    ['wrong-domain', `{type: xmpp, domain: wrong.example}`, 'CONNECT_XMPP_host-unknown', /stream error: host-unknown \(This server does not serve wrong\.example\)/],
    ['wrong-muc', `{type: xmpp, muc: rooms.wrong.example}`, 'CONNECT_XMPP_not-allowed', /the room refused the join \(r0@rooms\.wrong\.example\): not-allowed/],
    ['wrong-password', `{type: xmpp, domain: ${PROSODY.plainDomain}, auth: plain, password: "nope"}`, 'CONNECT_XMPP_not-authorized', /SASL PLAIN failed: not-authorized/],
  ];
  for (const [name, protocol, code, words] of cases) {
    it(`${name}: every connection fails under ${code}, said in the summary, exit 96 (a failed check)`, async () => {
      const out = await refused(name, protocol);
      expect(out.code).toBe(96);
      expect(out.stdout + out.stderr).toContain(code);
      expect(out.stdout + out.stderr).toMatch(words);
      const r = JSON.parse(readFileSync(join(dir, name, 'result.json'), 'utf8')) as Result;
      expect(r.connections.failed).toBeGreaterThanOrEqual(4);
      expect(r.connections.peak).toBe(0);
      expect(r.errors[code]).toBeGreaterThanOrEqual(4);
    });
  }

  it('a members-only room: its creator joins, every other member is refused (registration-required)', async () => {
    const out = await refused('members-only', `{type: xmpp, muc: ${PROSODY.membersMuc}}`, 8, 4);
    expect(out.code).toBe(96);
    expect(out.stdout + out.stderr).toMatch(/CONNECT_XMPP_registration-required/);
    const r = JSON.parse(readFileSync(join(dir, 'members-only', 'result.json'), 'utf8')) as Result;
    // two rooms of four: the first to arrive creates (and owns) each room
    expect(r.connections.peak).toBe(2);
    expect(r.errors['CONNECT_XMPP_registration-required']).toBeGreaterThanOrEqual(6);
  });
});

describe('the Prosody subject', () => {
  it('stops cleanly: Prosody gone, its temporary directory removed', async () => {
    const ours = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('chatbench-prosody-')));
    const before = ours();
    const p = await startBenchServer([dist('bench/servers/prosody.js')]);
    const added = [...ours()].filter((n) => !before.has(n));
    expect(added).toHaveLength(1);
    expect(readFileSync(join(tmpdir(), added[0]!, 'prosody.cfg.lua'), 'utf8')).toContain(`http_ports = { ${p.port} }`);
    await stopBenchServer(p);
    expect(existsSync(`/proc/${p.pid}`)).toBe(false);
    expect(existsSync(join(tmpdir(), added[0]!))).toBe(false);
  });
});
