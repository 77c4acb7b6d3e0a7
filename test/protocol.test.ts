import { describe, expect, it } from 'vitest';
import { ErrorCode, ProtocolError } from '../protocol/errors.js';
import { encodeAck, encodeMsg, encodeSay, encodeSayRaw, parseClientFrame, MAX_FRAME_DEPTH, nestedDeeper } from '../protocol/frames.js';
import { isAck, isMsg, NumberScanner, tsAt } from '../protocol/scan.js';

function codeOf(text: string): string {
  try {
    parseClientFrame(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as ProtocolError).code;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('client frame codec', () => {
  it('parses every client frame type', () => {
    expect(parseClientFrame('{"type":"auth","token":"abc"}')).toEqual({ type: 'auth', token: 'abc' });
    expect(parseClientFrame('{"type":"join","room":"r-1"}')).toEqual({ type: 'join', room: 'r-1' });
    expect(parseClientFrame('{"type":"join","room":"r1","history":5}')).toEqual({ type: 'join', room: 'r1', history: 5 });
    expect(parseClientFrame('{"type":"leave","room":"r1"}')).toEqual({ type: 'leave', room: 'r1' });
    expect(parseClientFrame('{"type":"say","room":"r1","id":7,"body":"hi","ts":123}')).toEqual({ type: 'say', room: 'r1', id: 7, body: 'hi', ts: 123 });
    expect(parseClientFrame('{"type":"say","room":"r1","id":"m-1","body":""}')).toEqual({ type: 'say', room: 'r1', id: 'm-1', body: '' });
    expect(parseClientFrame('{"type":"history","room":"r1","limit":10,"before":4}')).toEqual({ type: 'history', room: 'r1', limit: 10, before: 4 });
  });

  it('round-trips what the generator encodes', () => {
    expect(parseClientFrame(encodeSay('r1', 3, 'a "quoted" body', '1:2'))).toEqual({ type: 'say', room: 'r1', id: 3, body: 'a "quoted" body', ts: '1:2' });
    expect(parseClientFrame(encodeSayRaw('r1', 4, '10:11', JSON.stringify('xx')))).toEqual({ type: 'say', room: 'r1', id: 4, body: 'xx', ts: '10:11' });
  });

  it.each([
    ['not json', ErrorCode.BAD_FRAME],
    ['[1,2]', ErrorCode.BAD_FRAME],
    ['"text"', ErrorCode.BAD_FRAME],
    ['{}', ErrorCode.BAD_FRAME],
    ['{"type":"dance"}', ErrorCode.UNKNOWN_TYPE],
    ['{"type":"auth"}', ErrorCode.BAD_FIELD],
    ['{"type":"auth","token":5}', ErrorCode.BAD_FIELD],
    ['{"type":"join"}', ErrorCode.BAD_FIELD],
    ['{"type":"join","room":"has space"}', ErrorCode.BAD_FIELD],
    ['{"type":"join","room":"r","history":-1}', ErrorCode.BAD_FIELD],
    ['{"type":"say","room":"r","body":"x"}', ErrorCode.BAD_FIELD],
    ['{"type":"say","room":"r","id":1.5,"body":"x"}', ErrorCode.BAD_FIELD],
    ['{"type":"say","room":"r","id":1,"body":7}', ErrorCode.BAD_FIELD],
    ['{"type":"say","room":"r","id":1,"body":"x","ts":{}}', ErrorCode.BAD_FIELD],
    ['{"type":"history","room":"r","limit":0}', ErrorCode.BAD_FIELD],
    ['{"type":"history","room":"r","limit":10,"before":"x"}', ErrorCode.BAD_FIELD],
  ])('rejects %s with %s', (text, code) => {
    expect(codeOf(text)).toBe(code);
  });

  it('keeps the message id as ref when another say field is bad', () => {
    try {
      parseClientFrame('{"type":"say","room":"r","id":42,"body":null}');
    } catch (err) {
      expect((err as ProtocolError).ref).toBe(42);
      return;
    }
    throw new Error('expected an error');
  });
});

describe('server frame encoding and scanning', () => {
  const msg = encodeMsg({ room: 'r9', from: 'u"1', id: 12, seq: 345, ts: '1000:1001', body: 'body with "seq":999 and "ts":"1:1"' });

  it('encodes valid JSON with body last', () => {
    const parsed = JSON.parse(msg) as Record<string, unknown>;
    expect(parsed).toEqual({ type: 'msg', room: 'r9', from: 'u"1', id: 12, seq: 345, ts: '1000:1001', body: 'body with "seq":999 and "ts":"1:1"' });
    expect(Object.keys(parsed).at(-1)).toBe('body');
  });

  it('scans seq and ts from bytes, never from the body', () => {
    const buf = Buffer.from(`garbage${msg}more`);
    const start = 7;
    const end = start + Buffer.byteLength(msg);
    expect(isMsg(buf, start, end)).toBe(true);
    expect(isAck(buf, start, end)).toBe(false);
    const scan = new NumberScanner();
    expect(scan.seqOf(buf, start, end)).toBe(345);
    const ts = tsAt(buf, scan.after, end);
    expect(scan.readUint(buf, ts, end)).toBe(1000);
    expect(scan.readUint(buf, scan.after + 1, end)).toBe(1001);
  });

  it('scans ack id and seq', () => {
    const buf = Buffer.from(encodeAck(77, 'r1', 5));
    expect(isAck(buf, 0, buf.length)).toBe(true);
    const scan = new NumberScanner();
    expect(scan.idOf(buf, 0, buf.length)).toBe(77);
    expect(scan.seqOf(buf, scan.after, buf.length)).toBe(5);
  });
});

describe('nesting depth', () => {
  it('refuses frames nested deeper than MAX_FRAME_DEPTH before parsing them, ignoring brackets inside strings', () => {
    const deep = (n: number) => `{"type":"join","room":${'['.repeat(n)}${']'.repeat(n)}}`;
    expect(nestedDeeper(deep(MAX_FRAME_DEPTH - 1), MAX_FRAME_DEPTH)).toBe(false);
    expect(nestedDeeper(deep(MAX_FRAME_DEPTH), MAX_FRAME_DEPTH)).toBe(true);
    expect(nestedDeeper(`{"type":"say","body":"${'['.repeat(100)}\\"{{{{{{{{{{"}`, MAX_FRAME_DEPTH)).toBe(false);
    expect(() => parseClientFrame(deep(30_000))).toThrow(expect.objectContaining({ code: ErrorCode.BAD_FRAME, message: `frame nested deeper than ${MAX_FRAME_DEPTH} levels` }));
  });
});
