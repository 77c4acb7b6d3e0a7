// `protocol: { type: chatbench }` (the default): chatbench's own protocol, docs/protocol.md — the
// server numbers each room's messages, so VirtualUser measures from its seqs, acks and history.
import { z } from 'zod';
import { defineProtocol } from './protocol.js';

const ChatbenchProtocol = z.object({ type: z.literal('chatbench') }).strict();

export const chatbench = defineProtocol({ type: 'chatbench', schema: ChatbenchProtocol });
