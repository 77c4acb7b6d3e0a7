// A WebSocket proxy between the generator and an XMPP server that drops and duplicates a share of
// the groupchat messages the server delivers to room members (never a sender's own reflection,
// which is its answer, not a delivery), counting what it did: a fault the server itself does not
// let us inject, so chatbench's lost and duplicated can be checked against the proxy's counts.
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { FaultDice, type FaultCounts } from '../../bench/servers/fault-dice.js';

export interface XmppFaultProxy {
  url: string;
  counts: FaultCounts;
  close(): Promise<void>;
}

export async function startXmppFaultProxy(upstreamUrl: string, drop: number, duplicate: number, seed = 7): Promise<XmppFaultProxy> {
  const dice = new FaultDice(drop, duplicate, seed);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'xmpp' });
  wss.on('connection', (client) => {
    const upstream = new WebSocket(upstreamUrl, 'xmpp');
    const early: RawData[] = [];
    let nick = ''; // from the client's join presence: "…/NICK"
    client.on('message', (data) => {
      const text = data.toString();
      const join = /^<presence[^>]* to="[^"/]+\/([^"]+)"/.exec(text);
      if (join) nick = join[1]!;
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else early.push(data);
    });
    upstream.on('open', () => {
      for (const d of early.splice(0)) upstream.send(d.toString());
    });
    upstream.on('message', (data) => {
      const text = data.toString();
      const delivery = text.startsWith('<message') && text.includes("type='groupchat'") && text.includes('<body>') && nick !== '' && !text.includes(`/${nick}'`);
      if (!delivery) return client.send(text);
      dice.counts.broadcasts++;
      const fate = dice.roll();
      if (fate === 'drop') return void dice.counts.dropped++;
      client.send(text);
      if (fate === 'duplicate') {
        dice.counts.duplicated++;
        client.send(text);
      }
    });
    const end = () => {
      client.close();
      upstream.close();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => wss.once('listening', r));
  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/`,
    counts: dice.counts,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
