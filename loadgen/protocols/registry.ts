// The protocols, listed once: the scenario's `protocol:` union, the checks zod cannot make and the
// codec all come from this list. Adding a protocol is one module and one line here.
import { z } from 'zod';
import { chatbench } from './chatbench.js';
import { json } from './json.js';
import type { Codec, ProtocolDefinition } from './protocol.js';
import { socketIo } from './socket-io.js';
import { xmpp } from './xmpp.js';

const PROTOCOLS = [chatbench, json, socketIo, xmpp] as const;

export const ProtocolSchema = z.discriminatedUnion('type', PROTOCOLS.map((p) => p.schema) as unknown as [(typeof PROTOCOLS)[number]['schema'], ...(typeof PROTOCOLS)[number]['schema'][]]);
export type ProtocolSpec = z.output<typeof ProtocolSchema>;
export const PROTOCOL_TYPES = PROTOCOLS.map((p) => p.type);

function definition(type: string): ProtocolDefinition | undefined {
  return (PROTOCOLS as readonly ProtocolDefinition[]).find((p) => p.type === type);
}

/** Problems of a valid `protocol:` block that its schema cannot see. */
export function protocolProblems(spec: ProtocolSpec): string[] {
  return definition(spec.type)?.problems?.(spec) ?? [];
}

/** The codec a generator process speaks with; undefined for chatbench's own protocol. */
export function createCodec(spec: ProtocolSpec): Codec | undefined {
  return definition(spec.type)?.codec?.(spec);
}
