// What a virtual user needs from the generator process that owns it: one object per process.
import type { ConnectTarget } from './ws-connection.js';
import type { Recorder } from '../recorder.js';
import type { VirtualUser } from './virtual-user.js';

export interface GeneratorContext {
  readonly rec: Recorder;
  readonly bodyJson: string;
  target(vu: VirtualUser): ConnectTarget;
  /** A connect attempt began (the generator times it out). */
  started(vu: VirtualUser): void;
  joined(vu: VirtualUser): void;
  /** A closed-loop sender got the answer to its message in flight. */
  answered(vu: VirtualUser): void;
  ended(vu: VirtualUser, code: number, error?: Error): void;
}
