// What the Redis bus keeps in Redis, and the two Lua scripts that make a room's sequence one
// atomic step (docs/cluster.md). Keys carry the room in a hash tag, so one room's keys would sit
// on one shard of a Redis Cluster; the scripts themselves target a single Redis.

const PREFIX = 'chatbench:';

export const keys = {
  /** The room's last seq (INCR). */
  seq: (room: string) => `${PREFIX}{${room}}:seq`,
  /** The room's history: a stream whose entry ids are `seq-0`, fields o (origin) and f (message fields). */
  log: (room: string) => `${PREFIX}{${room}}:log`,
  /** Members per node: a hash node → count. */
  members: (room: string) => `${PREFIX}{${room}}:members`,
  /** Set (with a TTL) once a message is numbered: a retried publish finds its seq here. */
  sent: (room: string, origin: string, id: string) => `${PREFIX}{${room}}:sent:${origin}|${id}`,
  /** Pub/sub channel of the room's numbered messages. */
  channel: (room: string) => `${PREFIX}{${room}}`,
  /** Set (with a TTL) while a node is alive: its member counts count only then. */
  alive: (node: string) => `${PREFIX}alive:${node}`,
};

export const ALIVE_PREFIX = `${PREFIX}alive:`;

export function roomOfChannel(channel: string): string {
  return channel.slice(PREFIX.length + 1, -1);
}

/** Number a message, keep it, publish it: one atomic step, so the order of seqs, of the stream and
 * of the publications is one order, and every subscriber receives a room's messages in seq order.
 * Idempotent per (origin, message id) for ARGV[6] seconds: a publish retried after the link
 * dropped with it in flight gets the seq it already has, and nothing is published twice.
 * KEYS: seq, log, sent. ARGV: channel, origin (node|conn), head, tail, maxlen, ttl. Returns the seq.
 * Publication payload: `seq|node|conn|fields`. */
export const PUBLISH_LUA = `
local done = redis.call('GET', KEYS[3])
if done then return tonumber(done) end
local seq = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[3], seq, 'EX', ARGV[6])
local fields = ARGV[3] .. seq .. ARGV[4]
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], seq .. '-0', 'o', ARGV[2], 'f', fields)
redis.call('PUBLISH', ARGV[1], seq .. '|' .. ARGV[2] .. '|' .. fields)
return seq
`;

/** A join's view of the room, read atomically: its seq, the last ARGV[1] messages (fields, oldest
 * first) and its members on live nodes. KEYS: seq, log, members. ARGV: limit, alive prefix. */
export const JOIN_LUA = `
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local history = {}
local limit = tonumber(ARGV[1])
if limit > 0 then
  local entries = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', limit)
  for i = #entries, 1, -1 do history[#history + 1] = entries[i][2][4] end
end
local members = 0
local counts = redis.call('HGETALL', KEYS[3])
for i = 1, #counts, 2 do
  local n = tonumber(counts[i + 1])
  if n > 0 and redis.call('EXISTS', ARGV[2] .. counts[i]) == 1 then members = members + n end
end
return {seq, members, history}
`;
