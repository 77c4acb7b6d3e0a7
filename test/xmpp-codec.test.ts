// The XMPP codec frame by frame (frames as Prosody 0.12 sends them), and the scenario's protocol
// block's errors. The real server is in test/xmpp-prosody.test.ts.
import { describe, expect, it } from 'vitest';
import { createCodec } from '../loadgen/protocols/registry.js';
import { parseScenario, ScenarioError } from '../loadgen/scenario/parse.js';
import { StanzaReader } from '../loadgen/protocols/xmpp-stanza.js';
import { sink } from './helpers/codec-sink.js';

const scenario = (protocol: string) => parseScenario(`name: x\nclients: 2\nduration: 1s\nrooms: {size: 2}\nprotocol: ${protocol}\n`, 'x.yaml');
const SASL_FEATURES = `<stream:features xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>ANONYMOUS</mechanism></mechanisms></stream:features>`;
const BIND_FEATURES = `<stream:features xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind></stream:features>`;
const OPEN = `<open id='1' version='1.0' xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost'/>`;

describe('the XMPP codec', () => {
  const codec = createCodec(scenario('{type: xmpp, domain: localhost, muc: rooms.localhost}').protocol)!;

  it('opens, authenticates anonymously, binds, and joins the room without history', () => {
    const u = sink();
    codec.opened(u);
    codec.frame(OPEN, u);
    codec.frame(SASL_FEATURES, u);
    codec.frame(`<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`, u);
    codec.frame(OPEN, u);
    codec.frame(BIND_FEATURES, u);
    codec.frame(`<iq id='bind' xmlns='jabber:client' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>abc@localhost/chatbench</jid></bind></iq>`, u);
    codec.frame(`<presence xmlns='jabber:client' from='r1@rooms.localhost/u3'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/></x></presence>`, u);
    codec.frame(`<presence xmlns='jabber:client' from='r1@rooms.localhost/u7'><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='none' role='participant'/><status code='110'/></x></presence>`, u);
    expect(u.log).toEqual([
      'write <open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="localhost" version="1.0"/>',
      'write <auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="ANONYMOUS"/>',
      'write <open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="localhost" version="1.0"/>',
      'write <iq xmlns="jabber:client" type="set" id="bind"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>chatbench</resource></bind></iq>',
      'write <presence xmlns="jabber:client" to="r1@rooms.localhost/u7"><x xmlns="http://jabber.org/protocol/muc"><history maxstanzas="0"/></x></presence>',
      'joined',
    ]);
    expect(codec.headers).toBe('Sec-WebSocket-Protocol: xmpp\r\n');
    expect(codec.say(u, '~cb1~7~1~0~5~5~', 0)).toBe('<message xmlns="jabber:client" to="r1@rooms.localhost" type="groupchat" id="0"><body>~cb1~7~1~0~5~5~</body></message>');
  });

  it('logs in with SASL PLAIN from the templates', () => {
    const plain = createCodec(scenario('{type: xmpp, auth: plain, password: "{user}-secret"}').protocol)!;
    const u = sink();
    plain.opened(u);
    plain.frame(SASL_FEATURES, u);
    expect(u.log[1]).toBe(`write <auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${Buffer.from('\0u7\0u7-secret').toString('base64')}</auth>`);
  });

  it('delivers live groupchat bodies; skips subjects, history and presence; answers pings; refuses the rest', () => {
    const u = sink();
    u.phase = 4; // joined
    codec.frame(`<message xmlns='jabber:client' type='groupchat' from='r1@rooms.localhost/u3' id='5'><body>hi &amp; bye</body></message>`, u);
    codec.frame(`<message xmlns='jabber:client' type='groupchat' from='r1@rooms.localhost'><subject/></message>`, u);
    codec.frame(`<message xmlns='jabber:client' type='groupchat' from='r1@rooms.localhost/u3'><body>old</body><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/></message>`, u);
    codec.frame(`<presence xmlns='jabber:client' from='r1@rooms.localhost/u9' type='unavailable'/>`, u);
    codec.frame(`<iq xmlns='jabber:client' type='get' id='p1' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`, u);
    codec.frame(`<iq xmlns='jabber:client' type='get' id='d1' from='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`, u);
    codec.frame(`<message xmlns='jabber:client' type='error' id='12' from='r1@rooms.localhost'><error type='wait'><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>slow down</text></error></message>`, u);
    codec.frame(`<stream:error xmlns:stream='http://etherx.jabber.org/streams'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>`, u);
    expect(u.log).toEqual([
      'message hi & bye',
      'write <iq xmlns="jabber:client" type="result" id="p1" to="localhost"/>',
      'unmatched iq request',
      'write <iq xmlns="jabber:client" type="error" id="d1" to="localhost"><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>',
      'rejected XMPP_policy-violation 12 message refused: policy-violation (slow down)',
      'refuse CONNECT_XMPP_resource-constraint stream error: resource-constraint',
    ]);
  });

  it('fails the connection by condition: SASL failure, stream error, refused join, missing mechanism', () => {
    const cases: [number, string, string][] = [
      [1, `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>bad password</text></failure>`, 'refuse CONNECT_XMPP_not-authorized SASL ANONYMOUS failed: not-authorized (bad password)'],
      [0, `<stream:error xmlns:stream='http://etherx.jabber.org/streams'><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>This server does not serve wrong.example</text></stream:error>`, 'refuse CONNECT_XMPP_host-unknown stream error: host-unknown (This server does not serve wrong.example)'],
      [3, `<presence type='error' xmlns='jabber:client' from='r1@rooms.localhost/u7'><error type='auth'><registration-required xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`, 'refuse CONNECT_XMPP_registration-required the room refused the join (r1@rooms.localhost): registration-required'],
      [0, `<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>`, 'refuse CONNECT_XMPP_NO_MECHANISM the server offers SASL SCRAM-SHA-1, not ANONYMOUS (protocol.auth: anonymous)'],
    ];
    for (const [phase, frame, expected] of cases) {
      const u = sink();
      u.phase = phase;
      codec.frame(frame, u);
      expect(u.log).toEqual([expected]);
    }
  });

  it('counts garbage, a cut element and an unknown element as unmatched, and reads the next frame cleanly', () => {
    const u = sink();
    u.phase = 4;
    for (const frame of ['not xml at all <<<', '<message type="groupchat"><body>cut', '<a></b>', '<weird/>', '', '\u0000\u0001']) codec.frame(frame, u);
    codec.frame(`<message xmlns='jabber:client' type='groupchat' from='r1@rooms.localhost/u3'><body>after</body></message>`, u);
    expect(u.log.at(-1)).toBe('message after');
    expect(u.log.slice(0, -1).every((l) => l.startsWith('unmatched'))).toBe(true);
    expect(u.log.filter((l) => l.includes('not well-formed') || l.includes('left open')).length).toBeGreaterThanOrEqual(3);
  });
});

describe('the stanza reader', () => {
  it('reads a body of any size and nested children without losing its text', () => {
    const r = new StanzaReader();
    const body = 'x'.repeat(100_000);
    expect(r.read(`<message type='groupchat'><body>${body}<b>bold</b>!</body></message>`)).toBeNull();
    expect(r.stanza.body).toBe(`${body}bold!`);
  });
});

describe('the xmpp protocol block', () => {
  it('names the field and what was expected', () => {
    const err = (p: string) => {
      try {
        scenario(p);
      } catch (e) {
        return (e as ScenarioError).message;
      }
      return 'no error';
    };
    expect(err('{type: xmpp, auth: plain}')).toMatch(/protocol\.password: expected a password/);
    expect(err('{type: xmpp, auth: scram}')).toMatch(/protocol\.auth/);
    expect(err('{type: xmpp, nick: "{who}"}')).toMatch(/protocol\.nick: unknown placeholder \{who\}/);
    expect(err('{type: xmpp, path: xmpp}')).toMatch(/protocol\.path: expected a path starting with "\/"/);
  });
});
