// Reads one XMPP-over-WebSocket frame (RFC 7395: one whole top-level element per frame) into the few
// facts the XMPP codec acts on. saxes, a strict streaming parser, was chosen by measured cost per
// stanza (docs/protocols.md, "XMPP"): one parser serves the whole generator process in fragment
// mode, fed frame after frame, and is replaced after a frame that was not well-formed or left an
// element open, so one server's garbage never spills into the next frame. Element names are read
// without their prefix (`stream:features` is `features`); namespaces are not resolved, the codec
// checks the few that matter by their xmlns attribute.
import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** What a frame said; one object per process, overwritten by every frame. */
export interface Stanza {
  /** The top-level element's local name: message, presence, iq, open, close, features, success,
   * failure, error (a stream error), …; '' when the frame held no element. */
  name: string;
  type: string;
  id: string;
  from: string;
  /** The text of a <body> child; undefined without one. */
  body: string | undefined;
  /** A <delay> child: a message from the room's history, not a live one. */
  delayed: boolean;
  /** The defined condition: the first element in a stanza's <error>, or in a stream error or a
   * SASL failure, other than <text>. */
  condition: string;
  /** The <text> of that error or failure. */
  text: string;
  /** XEP-0045 status codes of a muc#user <x> child. */
  statuses: number[];
  /** SASL mechanisms offered in stream features. */
  mechanisms: string[];
  /** The stream features offer resource binding. */
  bind: boolean;
  /** An iq carrying an XEP-0199 <ping>. */
  ping: boolean;
}

const local = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

export class StanzaReader {
  readonly stanza: Stanza = { name: '', type: '', id: '', from: '', body: undefined, delayed: false, condition: '', text: '', statuses: [], mechanisms: [], bind: false, ping: false };
  private parser!: SaxesParser;
  private depth = 0;
  private path: string[] = []; // local names of the open elements
  private capture = ''; // what the text being collected is for ('body', 'text', 'mechanism')
  private captureDepth = 0; // the depth of the element whose text it is
  private captured = '';
  private failed = '';

  constructor() {
    this.renew();
  }

  /** Parses one frame; returns null when it was read, or what was wrong with it. */
  read(frame: string): string | null {
    const s = this.stanza;
    s.name = s.type = s.id = s.from = s.condition = s.text = '';
    s.body = undefined;
    s.delayed = s.bind = s.ping = false;
    s.statuses.length = 0;
    s.mechanisms.length = 0;
    this.failed = '';
    try {
      this.parser.write(frame);
    } catch (err) {
      this.failed ||= (err as Error).message;
    }
    if (!this.failed && this.depth === 0) return null;
    const why = this.failed ? `not well-formed XML (${this.failed.slice(0, 120)})` : 'an element left open at the end of the frame';
    this.renew();
    return why;
  }

  private renew(): void {
    this.depth = 0;
    this.path.length = 0;
    this.capture = '';
    const p = new SaxesParser({ fragment: true, xmlns: false, position: false });
    p.on('opentag', (t) => this.open(t));
    p.on('closetag', () => this.close());
    p.on('text', (t) => {
      if (this.capture) this.captured += t;
    });
    p.on('error', (err) => {
      this.failed ||= err.message;
    });
    this.parser = p;
  }

  private open(t: SaxesTagPlain): void {
    const s = this.stanza;
    const name = local(t.name);
    const parent = this.path[this.depth - 1] ?? '';
    this.path[this.depth++] = name;
    const a = t.attributes;
    if (this.depth === 1) {
      s.name = name;
      s.type = a.type ?? '';
      s.id = a.id ?? '';
      s.from = a.from ?? '';
      return;
    }
    const root = this.path[0]!;
    if (this.depth === 2) {
      if (name === 'body') this.collect('body');
      else if (name === 'delay') s.delayed = true;
      else if (name === 'ping') s.ping = root === 'iq';
      else if (name === 'bind') s.bind = root === 'features';
      else if (name === 'text' && (root === 'error' || root === 'failure')) this.collect('text');
      else if ((root === 'error' || root === 'failure') && !s.condition) s.condition = name;
      return;
    }
    if (parent === 'error' && this.depth === 3) {
      if (name === 'text') this.collect('text');
      else if (!s.condition) s.condition = name;
    } else if (parent === 'x' && name === 'status' && a.code !== undefined) s.statuses.push(Number(a.code));
    else if (parent === 'mechanisms' && name === 'mechanism') this.collect('mechanism');
  }

  private collect(what: string): void {
    this.capture = what;
    this.captureDepth = this.depth;
    this.captured = '';
  }

  private close(): void {
    if (this.depth-- !== this.captureDepth || !this.capture) return;
    const s = this.stanza;
    if (this.capture === 'body') s.body = this.captured;
    else if (this.capture === 'text') s.text = this.captured.slice(0, 200);
    else if (this.capture === 'mechanism') s.mechanisms.push(this.captured);
    this.capture = '';
  }
}

/** Text and attribute values written into a frame, escaped for XML. */
export function escapeXml(s: string): string {
  return /[<>&"']/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;') : s;
}
