// What a node's bus did, as plain numbers the metrics read at scrape time.
export class BusStats {
  published = 0; // messages this node numbered in Redis (acked)
  publishRetried = 0; // in flight when Redis went away, run again (idempotently) when it came back
  publishFailed = 0; // says answered UNAVAILABLE: Redis away, or the link dropped with the script in flight
  receivedLocal = 0; // numbered messages received that this node's own sessions sent
  receivedRemote = 0; // …that came from sessions on other nodes
  deliveredRemote = 0; // deliveries here of messages whose sender sat on another node
  duplicates = 0; // received again (a gap fill raced pub/sub): dropped
  gapFills = 0; // seq jumps read back from a room's stream
  recovered = 0; // messages delivered from the stream rather than pub/sub
  unrecovered = 0; // seqs the stream no longer held (trimmed): never delivered here
  resets = 0; // rooms whose seq went back (Redis lost data)
  badPayloads = 0;
  commandsFailed = 0;
  disconnects = 0;
  downMs = 0; // total time without Redis
  downSinceMs = 0;
}
