// What a simulated user needs from the generator process that owns it: one object per process.
import type { ConnectTarget } from './ws-connection.js';
import type { Recorder } from '../recorder.js';
import type { SimulatedUser } from './simulated-user.js';

export interface GeneratorContext {
  readonly rec: Recorder;
  readonly bodyJson: string;
  target(vu: SimulatedUser): ConnectTarget;
  /** A connect attempt began (the generator times it out). */
  started(vu: SimulatedUser): void;
  joined(vu: SimulatedUser): void;
  /** A closed-loop sender got the answer to its message in flight. */
  answered(vu: SimulatedUser): void;
  ended(vu: SimulatedUser, code: number, error?: Error): void;
}
