// Field types that scenario parts share (the scenario schema and every executor's own config).
import { z } from 'zod';
import { parseDuration } from '../../lib/duration.js';

const DURATION_EXPECTED = 'expected a duration like "500ms", "20s", "2m" or a number of seconds';
export const duration = z
  .union([z.number().nonnegative(), z.string()], { error: (iss) => (iss.input === undefined ? `required: ${DURATION_EXPECTED}` : DURATION_EXPECTED) })
  .refine((v) => parseDuration(v) !== undefined, { message: DURATION_EXPECTED })
  .transform((v) => parseDuration(v)!);

const stage = z.object({ duration, target: z.number().nonnegative() }).strict().transform((s) => ({ durationMs: s.duration, target: s.target }));
export const stages = z.array(stage).min(1, 'expected at least one stage');
