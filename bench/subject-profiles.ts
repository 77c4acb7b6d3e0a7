// The scenario `protocol:` blocks of the comparison subjects (bench/servers/json-chat.ts,
// socketio-chat.ts, prosody.ts), one line each, appended to a benchmark's scenario; chatbench's own protocol
// needs none.
import { PROSODY } from './servers/prosody-config.js';

export const PROFILES = {
  chatbench: '',
  json: 'protocol: {type: json, path: "/chat?user={user}", join: {send: {op: enter, channel: "{room}"}, reply: {op: entered}}, say: {send: {op: post, channel: "{room}", text: "{body}", ref: "{id}"}, reply: {op: posted, ref: "{id}"}}, message: {match: {op: event}, text: data.text}}\n',
  'socket.io': 'protocol: {type: socket.io, join: {emit: [join room, "{room}"], ack: true}, say: {emit: [chat message, {room: "{room}", text: "{body}"}], ack: true}, message: {event: chat message, text: "0.text"}}\n',
  xmpp: `protocol: {type: xmpp, domain: ${PROSODY.domain}, muc: ${PROSODY.muc}}\n`,
} as const;

export type ProfileName = keyof typeof PROFILES;
