// The head of an HTTP/1.1 request as the WebSocket handshake reads it: method, target and headers.
// Parsed here only for well-formed upgrade requests (front-door.ts); anything this parser does not
// accept goes to Node's HTTP server, whose parser decides (and answers 400 or 431).

export interface RequestHead {
  method?: string | undefined;
  url?: string | undefined;
  /** Lower-case names; repeated headers joined with ", " (as Node does for most headers). */
  headers: Record<string, string | string[] | undefined>;
}

/** The longest head read before the connection is handed to Node's parser (its limit is 16 KiB). */
export const MAX_HEAD_BYTES = 16 * 1024;
const MAX_HEADERS = 100;

const REQUEST_LINE = /^([A-Z]+) ([\x21-\x7e]+) HTTP\/1\.1$/;
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 token
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/; // no control characters

/** `text`: the head up to (not including) its blank line, as latin1. Undefined when it is not a
 * plain HTTP/1.1 request head (obsolete line folding, bad names or values, too many headers). */
export function parseRequestHead(text: string): RequestHead | undefined {
  const lines = text.split('\r\n');
  if (lines.length > MAX_HEADERS + 1) return undefined;
  const start = REQUEST_LINE.exec(lines[0]!);
  if (!start) return undefined;
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!NAME.test(name) || !VALUE.test(value)) return undefined;
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return { method: start[1], url: start[2], headers };
}

/** Whether a header holds `token` in its comma-separated list (case-insensitive). */
export function hasToken(value: string | string[] | undefined, token: string): boolean {
  if (typeof value !== 'string') return false;
  return value.split(',').some((v) => v.trim().toLowerCase() === token);
}
