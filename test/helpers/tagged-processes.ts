// Processes a test started, found by a tag in their command line: what must not be left running.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of the processes whose command line holds this tag. */
export function runningWithTag(tag: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(tag);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}
