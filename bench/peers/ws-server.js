'use strict';
// Plain `ws` room broadcast peer for the Parley fan-out benchmark.
// See README.md for the exact semantics. No per-message logging on purpose.

const http = require('http');
const { WebSocketServer, WebSocket } = require('ws');

const PORT = Number(process.env.PORT || 0);
const DEFAULT_ROOM = 'bench';

/** room name -> Set of sockets in it */
const rooms = new Map();

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__memory') {
    if (typeof global.gc === 'function') global.gc();
    const mem = process.memoryUsage();
    const body = JSON.stringify({ rss: mem.rss, heapUsed: mem.heapUsed, connections: wss.clients.size });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found\n');
});

const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on('connection', (ws, req) => {
  const room = new URL(req.url, 'http://localhost').searchParams.get('room') || DEFAULT_ROOM;
  let members = rooms.get(room);
  if (!members) {
    members = new Set();
    rooms.set(room, members);
  }
  members.add(ws);

  ws.on('message', (data, isBinary) => {
    // Broadcast unchanged to everyone in the room, sender included.
    // A text frame stays a text frame (isBinary === false).
    for (const client of members) {
      if (client.readyState === WebSocket.OPEN) {
        client.send(data, { binary: isBinary });
      }
    }
  });

  ws.on('close', () => {
    members.delete(ws);
    if (members.size === 0 && rooms.get(room) === members) rooms.delete(room);
  });

  ws.on('error', (err) => {
    console.error(`ws client error: ${err.message}`);
  });
});

wss.on('error', (err) => {
  console.error(`ws server error: ${err.stack || err}`);
  process.exit(1);
});

server.on('error', (err) => {
  console.error(`http server error: ${err.stack || err}`);
  process.exit(1);
});

server.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 2000).unref();
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  server.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
