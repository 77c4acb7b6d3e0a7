// npm run bench:xmpp-stanza — what reading one XMPP frame costs the generator (StanzaReader, saxes),
// beside JSON.parse of a JSON chat frame carrying the same body, in one run: the per-stanza cost
// the XMPP codec adds to every delivery and every presence of a big room's join storm.
import { performance } from 'node:perf_hooks';
import { StanzaReader } from '../loadgen/protocols/xmpp-stanza.js';
import { encodeMarker } from '../loadgen/protocols/marker.js';

const body = encodeMarker({ sender: 123, roomSeq: 45678, counter: 901, intendedUs: 1_234_567_890, actualUs: 1_234_567_990 }, 64);
const FRAMES = {
  'groupchat message (Prosody 0.12)': `<message id='901' xmlns='jabber:client' type='groupchat' to='abcdefghijkl0123@localhost/chatbench' from='r7@conference.localhost/u123' xml:lang='en'><body>${body}</body><occupant-id xmlns='urn:xmpp:occupant-id:0' id='VM7W8rg4ThMI5senCX1uGmThViZxVCJa8Fx2bjqXKZw='/></message>`,
  'occupant presence': `<presence xmlns='jabber:client' from='r7@conference.localhost/u456' to='abcdefghijkl0123@localhost/chatbench' xml:lang='en'><occupant-id xmlns='urn:xmpp:occupant-id:0' id='TbpRDilJC3UgP44bJZXu/rH7sYvxXFLbgCpiGIZWZco='/><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/></x></presence>`,
};
const JSON_FRAME = JSON.stringify({ op: 'event', channel: 'r7', data: { text: body, from: 'u123' } });
const N = 300_000;

function nsPer(fn: () => unknown): number {
  for (let i = 0; i < 30_000; i++) fn(); // warm: the JIT's tiers settle
  const t = performance.now();
  for (let i = 0; i < N; i++) fn();
  return ((performance.now() - t) * 1e6) / N;
}

const reader = new StanzaReader();
const rows: string[] = [];
const json = nsPer(() => (JSON.parse(JSON_FRAME) as { data: { text: string } }).data.text);
for (const [name, frame] of Object.entries(FRAMES)) {
  if (reader.read(frame) !== null) throw new Error(`${name}: not read`);
  const ns = nsPer(() => reader.read(frame));
  rows.push(`| ${name} (${frame.length} B) | ${ns.toFixed(0)} | ${(ns / json).toFixed(1)}× |`);
}
console.log(['## bench:xmpp-stanza — one frame read by the XMPP codec (saxes), beside JSON.parse', '', '| frame | ns per frame | vs JSON.parse of a JSON chat frame |', '|---|---:|---:|', ...rows, `| JSON chat frame, JSON.parse (${JSON_FRAME.length} B) | ${json.toFixed(0)} | 1.0× |`].join('\n'));
