// Faults a scenario injects into the processes the run started (scenario `faults`): SIGKILL to an
// embedded server, or Redis killed and started again after `downFor`. Each fires once, on the first
// generator second at or past its time, and is recorded with the second it fired in.
import type { Result } from '../../results/schema.js';
import type { Scenario } from '../scenario/schema.js';
import type { RedisProcess } from './redis-process.js';
import type { EmbeddedServer } from './server-process.js';

export class FaultInjector {
  readonly done: NonNullable<Result['faults']> = [];
  private next = 0;
  private readonly pending: Promise<unknown>[] = [];

  private readonly faults: Scenario['faults'];

  constructor(
    faults: Scenario['faults'],
    private readonly servers: EmbeddedServer[],
    private readonly redis: RedisProcess | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.faults = [...faults].sort((a, b) => a.at - b.at);
  }

  /** A generator second ended: fire what is due. */
  tick(sec: number): void {
    const due = this.faults;
    while (this.next < due.length && due[this.next]!.at <= sec * 1000) this.fire(due[this.next++]!, sec);
  }

  /** Wait for restarts still under way (the run ends only once Redis is back). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending);
  }

  private fire(f: Scenario['faults'][number], sec: number): void {
    if (f.action === 'kill-server') {
      const s = this.servers[f.server];
      const entry = { action: f.action, atSec: sec, target: s ? `${s.url} (pid ${s.pid})` : `server ${f.server}` };
      try {
        if (!s) throw new Error(`no embedded server ${f.server}`);
        if (s.kill) s.kill();
        else process.kill(s.pid, 'SIGKILL');
        this.log(`fault at ${sec} s: SIGKILL to server ${f.server} (${s.url}, pid ${s.pid})`);
        this.done.push(entry);
      } catch (err) {
        this.done.push({ ...entry, error: (err as Error).message });
      }
      return;
    }
    const r = this.redis;
    const entry = { action: f.action, atSec: sec, target: r ? r.url : 'redis' };
    if (!r) {
      this.done.push({ ...entry, error: 'no redis-server was started for this run' });
      return;
    }
    this.log(`fault at ${sec} s: SIGKILL to redis-server (${r.url}); back in ${f.downFor} ms`);
    this.pending.push(
      r.restart({ downMs: f.downFor }).then(
        () => {
          this.log(`redis-server back on ${r.url} (pid ${r.pid})`);
          this.done.push(entry);
        },
        (err: Error) => this.done.push({ ...entry, error: err.message }),
      ),
    );
  }
}
