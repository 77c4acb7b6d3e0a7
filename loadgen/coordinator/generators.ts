// Runs generator processes for a plan and gathers what they report: per-second ticks merged by
// second, histograms merged from their encodings, totals summed. Owns no clients itself.
import { fork, type ChildProcess } from 'node:child_process';
import { monoUs } from '../clock.js';
import { dist } from '../../lib/paths.js';
import type { FinalCounts, FromWorker, ToWorker, WorkerPlan } from '../worker/messages.js';

export interface SecondAggregate {
  sec: number;
  connected: number;
  connecting: number;
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
  e2e: string[];
  cpuUs: number;
  cpuMaxUs: number; // the busiest generator process
  loopDelayP99Ms: number; // worst process
  reports: number;
}

export interface GeneratorOutcome {
  t0Us: number;
  /** The schedule's start on the wall clock (epoch ms): shards' series are aligned on it. */
  t0EpochMs: number;
  /** How late the start was against a --start-at (0 otherwise). */
  lateMs: number;
  seconds: Map<number, SecondAggregate>;
  finals: { hist: Extract<FromWorker, { type: 'final' }>['hist']; counts: FinalCounts }[];
}

// --expose-gc: memory figures are taken live, after a full collection, once sending has ended.
// --max-semi-space-size=2 (MiB): V8's young generation otherwise grows to 16 MiB semi-spaces during
// the connect burst and keeps them; a generator allocates little per frame, so small semi-spaces
// cost few extra scavenges and save ≈ 1 KiB of RSS per client at 5,000 clients.
const GENERATOR_NODE_FLAGS = ['--expose-gc', '--max-semi-space-size=2'];

/** When the processes are ready: how long to wait before the schedule starts and how late it is
 * (a --start-at), or a throw when it cannot start. Default: 100 ms, for the start message to land. */
/** When to start once every generator is ready: now, at --start-at, or when a partner run is ready too. */
export type StartPlan = () => { waitMs: number; lateMs: number } | Promise<{ waitMs: number; lateMs: number }>;
const SOON: StartPlan = () => ({ waitMs: 100, lateMs: 0 });

/** Generator processes waiting for a plan. Forked ahead of a run (the gate forks a round's while
 * the round before drains), their start — loading modules, ≈ 0.3 s of CPU each — is off the run's
 * way; whoever forks them kills those no run took (killGenerators). */
export function forkGenerators(count: number): ChildProcess[] {
  const entry = dist('loadgen/worker/main.js');
  return Array.from({ length: count }, () => fork(entry, [], { execArgv: [...process.execArgv, ...GENERATOR_NODE_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

/** Generator processes still running (unused, or a run that failed before they finished): SIGKILL. */
export function killGenerators(children: readonly ChildProcess[]): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Run plan i on children[i] (forkGenerators, one per plan) until every process is final. */
export async function runGenerators(children: ChildProcess[], plans: WorkerPlan[], onSecond: (s: SecondAggregate) => void, startPlan: StartPlan = SOON, onStart?: (t0Us: number) => void): Promise<GeneratorOutcome> {
  if (children.length !== plans.length) throw new Error(`${children.length} generator processes for ${plans.length} plans`);
  const seconds = new Map<number, SecondAggregate>();
  const finals: GeneratorOutcome['finals'] = [];
  const roomMax: Record<string, number> = {};
  let ready = 0;
  let drained = 0;
  let t0Us = 0;
  let t0EpochMs = 0;
  let lateMs = 0;

  const done = new Promise<void>((resolve, reject) => {
    const fail = (why: string | Error) => {
      for (const c of children) c.kill('SIGKILL');
      reject(why instanceof Error ? why : new Error(why));
    };
    children.forEach((child, i) => {
      // forked ahead: it may have died already, its 'exit' gone by
      if (child.exitCode !== null || child.signalCode !== null) return fail(`generator process ${i} exited (${child.exitCode ?? child.signalCode}) before it was given its plan`);
      child.on('exit', (code) => {
        if (finals.length < children.length && code !== 0) fail(`generator process ${i} exited with code ${code} before finishing`);
      });
      child.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            if (++ready === children.length) {
              let planned;
              try {
                planned = startPlan();
              } catch (err) {
                return fail(err as Error);
              }
              Promise.resolve(planned).then((start) => {
                lateMs = start.lateMs;
                t0Us = monoUs() + start.waitMs * 1000;
                t0EpochMs = Date.now() + start.waitMs;
                for (const c of children) send(c, { type: 'start', t0Us });
                onStart?.(t0Us);
              }, fail);
            }
            return;
          case 'tick': {
            const s = seconds.get(m.sec) ?? newSecond(m.sec);
            seconds.set(m.sec, s);
            s.connected += m.connected;
            s.connecting += m.connecting;
            s.sent += m.sent;
            s.acked += m.acked;
            s.delivered += m.delivered;
            s.errors += m.errors;
            s.e2e.push(m.e2e);
            s.cpuUs += m.cpuUs;
            s.cpuMaxUs = Math.max(s.cpuMaxUs, m.cpuUs);
            s.loopDelayP99Ms = Math.max(s.loopDelayP99Ms, m.loopDelayP99Ms);
            if (++s.reports === children.length) onSecond(s);
            return;
          }
          case 'drained':
            for (const [room, seq] of Object.entries(m.roomMax)) roomMax[room] = Math.max(roomMax[room] ?? 0, seq);
            if (++drained === children.length) for (const c of children) send(c, { type: 'finalize', roomMax });
            return;
          case 'final':
            finals.push({ hist: m.hist, counts: m.counts });
            if (finals.length === children.length) resolve();
            return;
          case 'fatal':
            return fail(`generator process ${i} failed: ${m.message}`);
        }
      });
    });
  });
  children.forEach((c, i) => send(c, { type: 'plan', plan: plans[i]! }));
  await done;
  await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  return { t0Us, t0EpochMs, lateMs, seconds, finals };
}

function send(child: ChildProcess, m: ToWorker): void {
  // a process that died meanwhile is reported by its 'exit': the failed send must not throw as well
  if (child.connected) child.send(m, (err) => void err);
}

function newSecond(sec: number): SecondAggregate {
  return { sec, connected: 0, connecting: 0, sent: 0, acked: 0, delivered: 0, errors: 0, e2e: [], cpuUs: 0, cpuMaxUs: 0, loopDelayP99Ms: 0, reports: 0 };
}
