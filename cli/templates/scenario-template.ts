// The starter scenario `chatbench init` writes: commented, valid as written, and shaped for a
// JSON chat server of the project's own (the most common case); the Socket.IO and chatbench
// protocol blocks are there to swap in.
export function starterScenario(name: string): string {
  return `# yaml-language-server: $schema=./node_modules/chatbench/scenarios/scenario.schema.json
# ${name}: a chatbench scenario (written by \`chatbench init\`; every key: node_modules/chatbench/docs/loadgen.md).
# 200 users in rooms of 10, 20 % of them sending 5 messages/s each, for 10 s after a 2 s ramp.
# chatbench measures connect time, the latency from each sender to every receiver in the room,
# and lost, duplicated and reordered messages; and, for a server it starts with --server-cmd or
# --baseline-cmd/--candidate-cmd, that server's CPU per 1,000 deliveries and memory per connection.
#
# Try it:   npx chatbench run ${name}.yaml --server-cmd "node server.js --port {port}"
# Gate it:  npx chatbench gate ${name}.yaml --baseline-cmd "…" --candidate-cmd "…"
name: ${name}
clients: 200
rampUp: 2s
duration: 10s
drain: 2s
rooms: {size: 10}
senders: 0.2
messageRate: 5
bodyBytes: 64

# What your server speaks (node_modules/chatbench/docs/protocols.md). {room}, {user}, {body}
# and {id} are filled in by chatbench; {body} carries its marker, which your server must relay
# unchanged. This profile fits a server that takes
#   {"type":"join","room":"…"}  → answers {"type":"joined","room":"…"}
#   {"type":"say","room":"…","text":"…","id":"…"}  → answers the sender {"type":"ok","id":"…"}
#                                                    and sends the room {"type":"message","text":"…"}
protocol:
  type: json
  path: /
  join:
    send: {type: join, room: "{room}"}
    reply: {type: joined}
  say:
    send: {type: say, room: "{room}", text: "{body}", id: "{id}"}
    reply: {type: ok, id: "{id}"}
  message:
    match: {type: message}
    text: text

# A Socket.IO server instead (io.to(room).emit):
# protocol:
#   type: socket.io
#   join: {emit: [join, "{room}"], ack: true}
#   say: {emit: [chat message, {room: "{room}", text: "{body}"}], ack: true}
#   message: {event: chat message, text: "0.text"}
#
# chatbench's own protocol (docs/protocol.md): leave \`protocol:\` out.

# A run fails (exit 99) when one of these does not hold; \`chatbench gate\` compares figures instead.
thresholds:
  - lost == 0
  - e2e.p99 < 250
`;
}
