// Network namespaces for tests that need separate hosts on one machine (root only): each gets a
// veth pair, 10.213.K.1 on the host side and 10.213.K.2 inside, and nothing else. Traffic never
// leaves the machine; remove() deletes them (and a namespace's end of its pair goes with it).
import { execFileSync } from 'node:child_process';

export interface Netns {
  name: string;
  /** The host side's address: where a process inside reaches servers of the host. */
  hostAddress: string;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function canMakeNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function makeNetns(prefix: string, count: number): Netns[] {
  const made: Netns[] = [];
  try {
    for (let k = 0; k < count; k++) {
      const name = `${prefix}${k}`;
      const outer = `${prefix}h${k}`.slice(0, 15);
      const inner = `${prefix}n${k}`.slice(0, 15);
      ip('netns', 'add', name);
      made.push({ name, hostAddress: `10.213.${k}.1` });
      ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
      ip('link', 'set', inner, 'netns', name);
      ip('addr', 'add', `10.213.${k}.1/24`, 'dev', outer);
      ip('link', 'set', outer, 'up');
      ip('-n', name, 'addr', 'add', `10.213.${k}.2/24`, 'dev', inner);
      ip('-n', name, 'link', 'set', inner, 'up');
      ip('-n', name, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    removeNetns(made);
    throw err;
  }
  return made;
}

export function removeNetns(all: Netns[]): void {
  for (const n of all) {
    try {
      ip('netns', 'del', n.name); // its veth end goes, and with it the pair
    } catch {
      // already gone
    }
  }
}
