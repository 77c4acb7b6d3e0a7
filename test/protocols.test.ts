// The protocol seam without a network: profile templates and matching, the marker found wherever a
// server puts the text, the Socket.IO codec's packets written and read, and every kind of profile
// mistake reported with its field path.
import { describe, expect, it } from 'vitest';
import { compileJson, compileMatch, compileString } from '../loadgen/protocols/template.js';
import { encodeMarker, findMarker, type Marker } from '../loadgen/protocols/marker.js';
import { createCodec } from '../loadgen/protocols/registry.js';
import { sink, vars } from './helpers/codec-sink.js';
import { parseScenario, ScenarioError } from '../loadgen/scenario/parse.js';


describe('profile templates', () => {
  it('fill placeholders in place, and keep a whole {index} or {id} a number', () => {
    expect(compileString('/chat?user={user}&room={room}')(vars)).toBe('/chat?user=u7&room=r1');
    expect(JSON.parse(compileJson({ op: 'send', room: '{room}', text: '{body}', id: '{id}', n: '{index}', tag: 'id-{id}', list: ['{user}', 2, null, true] })(vars))).toEqual({
      op: 'send',
      room: 'r1',
      text: 'hello',
      id: 3,
      n: 7,
      tag: 'id-3',
      list: ['u7', 2, null, true],
    });
  });

  it('match on field equality, dotted paths and nested patterns, templates filled per frame', () => {
    const m = compileMatch({ op: 'message', 'meta.room': '{room}', data: { kind: 'chat' } });
    expect(m({ op: 'message', meta: { room: 'r1' }, data: { kind: 'chat', x: 1 } }, vars)).toBe(true);
    expect(m({ op: 'message', meta: { room: 'r2' }, data: { kind: 'chat' } }, vars)).toBe(false);
    expect(m({ op: 'message' }, vars)).toBe(false);
    expect(m('message', vars)).toBe(false);
  });
});

describe('the marker', () => {
  const m: Marker = { sender: 12, roomSeq: 345, counter: 6, intendedUs: 123456789012, actualUs: 123456789099 };

  it('pads to bodyBytes and is found wrapped, prefixed or re-encoded around', () => {
    const body = encodeMarker(m, 120);
    expect(body).toHaveLength(120);
    const out: Marker = { sender: 0, roomSeq: 0, counter: 0, intendedUs: 0, actualUs: 0 };
    for (const text of [body, `alice: ${body}`, JSON.stringify({ t: `«${body}»` }), `<body>${body}</body>`]) {
      expect(findMarker(text, out)).toBe(true);
      expect(out).toEqual(m);
    }
  });

  it('is not found in text without one, or with a field cut or absurd', () => {
    const out: Marker = { sender: 0, roomSeq: 0, counter: 0, intendedUs: 0, actualUs: 0 };
    expect(findMarker('just chatting', out)).toBe(false);
    expect(findMarker('~cb1~12~345~6~', out)).toBe(false);
    expect(findMarker('~cb1~12~x~6~1~2~', out)).toBe(false);
    expect(findMarker(`~cb1~${'9'.repeat(40)}~1~1~1~1~`, out)).toBe(false);
  });
});

describe('the Socket.IO codec', () => {
  const spec = parseScenario(
    `name: s\nclients: 2\nduration: 1s\nrooms: {size: 2}\nprotocol:\n  type: socket.io\n  namespace: /chat\n  path: /socket.io/?name={user}\n  auth: {token: "{token}"}\n  join: {emit: [join room, "{room}"], ack: true}\n  say: {emit: [chat message, {room: "{room}", text: "{body}"}], ack: true}\n  message: {event: chat message, text: "0.text"}\n`,
    's.yaml',
  ).protocol;
  const codec = createCodec(spec)!;

  it('keeps the handshake query and adds Engine.IO v4 over WebSocket', () => {
    expect(codec.path(vars)).toBe('/socket.io/?name=u7&EIO=4&transport=websocket');
  });

  it('answers the open packet with a namespace CONNECT, pings with pongs, then joins with an ack id', () => {
    const u = sink();
    codec.frame('0{"sid":"x","pingInterval":25000,"pingTimeout":20000}', u);
    codec.frame('2', u);
    codec.frame('40/chat,{"sid":"y"}', u);
    codec.frame('43/chat,0[{"ok":true}]', u);
    expect(u.log).toEqual(['write 40/chat,{"token":"T"}', 'write 3', 'write 42/chat,0["join room","r1"]', 'joined']);
  });

  it('reads events, acks by id and connect errors; counts what it does not know', () => {
    const u = sink();
    u.phase = 2;
    codec.frame('42/chat,["chat message",{"text":"hi there","from":"x"}]', u);
    codec.frame('43/chat,5[{"ok":true}]', u);
    codec.frame('44/chat,{"message":"not authorized"}', u);
    codec.frame('42/chat,["typing",{}]', u);
    codec.frame('42["chat message",{"text":"other namespace"}]', u);
    codec.frame('7', u);
    codec.frame('42/chat,["chat message",{"text":', u);
    expect(u.log).toEqual([
      'message hi there',
      'answered 4',
      'refuse CONNECT_SOCKETIO_ERROR connect error: not authorized',
      'unmatched event typing',
      'unmatched packet for namespace /',
      'unmatched Engine.IO packet type 7',
      'unmatched Socket.IO packet with unparsable JSON',
    ]);
    expect(codec.say(vars, 'B', 4)).toBe('42/chat,5["chat message",{"room":"r1","text":"B"}]');
  });
});

describe('the JSON codec', () => {
  const spec = parseScenario(
    `name: j\nclients: 2\nduration: 1s\nrooms: {size: 2}\nprotocol:\n  type: json\n  join: {send: {op: enter, channel: "{room}"}, reply: {op: entered}}\n  say: {send: {op: post, text: "{body}", ref: "{id}"}, reply: {op: posted, ref: "{id}"}}\n  message: {match: {op: event}, text: data.text}\n  frames: ndjson\n`,
    'j.yaml',
  ).protocol;
  const codec = createCodec(spec)!;

  it('joins, reads several messages per frame, answers by id, and counts the rest by kind', () => {
    const u = sink();
    codec.opened(u);
    codec.frame('{"op":"entered"}', u);
    codec.frame('{"op":"event","data":{"text":"a"}}\n{"op":"posted","ref":9}\n\n{"op":"event","data":{}}\n{"op":"hello"}\nnot json', u);
    expect(u.log).toEqual(['write {"op":"enter","channel":"r1"}', 'joined', 'message a', 'answered 9', 'unmatched message.text: no string at data.text', 'unmatched op=hello', 'unmatched not JSON']);
    expect(codec.say(vars, 'B', 4)).toBe('{"op":"post","text":"B","ref":4}');
  });
});

describe('profile mistakes are reported with their field path', () => {
  const base = 'name: p\nclients: 2\nduration: 1s\nrooms: {size: 2}\n';
  const problems = (protocol: string, more = '') => {
    try {
      parseScenario(`${base}${more}protocol:\n${protocol}`, 'p.yaml');
      return [];
    } catch (err) {
      return (err as ScenarioError).problems;
    }
  };

  it('a bad path, a missing or bad text path, a missing {body}, an unknown placeholder, an unknown type', () => {
    const good = '  type: json\n  say: {send: {text: "{body}"}}\n  message: {match: {op: m}, text: t}\n';
    expect(problems(good)).toEqual([]);
    expect(problems(`${good}  path: chat`)).toEqual([expect.stringMatching(/^protocol\.path: expected a path starting with "\/"/)]);
    expect(problems('  type: json\n  say: {send: {text: "{body}"}}\n  message: {match: {op: m}}\n')).toEqual([expect.stringMatching(/^protocol\.message\.text: /)]);
    expect(problems('  type: json\n  say: {send: {text: "{body}"}}\n  message: {match: {op: m}, text: "a..b"}\n')).toEqual([expect.stringMatching(/^protocol\.message\.text: expected a dotted path/)]);
    expect(problems('  type: json\n  say: {send: {text: hi}}\n  message: {match: {op: m}, text: t}\n')).toEqual([expect.stringMatching(/^protocol\.say\.send: expected "\{body\}"/)]);
    expect(problems('  type: json\n  say: {send: {text: "{body} {usr}"}}\n  message: {match: {op: m}, text: t}\n')).toEqual([expect.stringMatching(/^protocol\.say\.send\.text: unknown placeholder \{usr\}/)]);
    expect(problems('  type: stomp\n')).toEqual([expect.stringMatching(/^protocol\.type: /)]);
    expect(problems('  type: socket.io\n  say: {emit: []}\n  message: {event: m, text: "0.text"}\n')[0]).toMatch(/^protocol\.say\.emit: expected \[event name/);
    expect(problems('  type: socket.io\n  say: {emit: [{}, "{body}"]}\n  message: {event: m, text: "0.text"}\n')).toEqual([expect.stringMatching(/^protocol\.say\.emit: expected the event name first/)]);
  });

  it('what a protocol without seqs cannot do: resume from history, or a closed loop with no answers', () => {
    const noReply = '  type: json\n  say: {send: {text: "{body}"}}\n  message: {match: {op: m}, text: t}\n';
    expect(problems(noReply, 'resumeOnDrop: true\n')).toEqual([expect.stringMatching(/^resumeOnDrop: needs protocol type chatbench/)]);
    expect(problems(noReply, 'behaviours: {chatty: {weight: 1, waitForAck: true}}\n')).toEqual([expect.stringMatching(/^behaviours\.chatty\.waitForAck: a closed loop waits for answers/)]);
  });
});
