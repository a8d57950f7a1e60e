'use strict';
// Socket.IO 4.8 room broadcast peer for the Parley fan-out benchmark.
// See README.md for the exact semantics and the raw wire format. No per-message logging on purpose.

const http = require('http');
const { Server } = require('socket.io');

const PORT = Number(process.env.PORT || 0);

// This handler is registered before Socket.IO attaches: Engine.IO then wraps the
// server's 'request' listeners and only calls them for paths outside /socket.io/,
// so /__memory never interferes with Socket.IO.
const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__memory') {
    if (typeof global.gc === 'function') global.gc();
    const mem = process.memoryUsage();
    const body = JSON.stringify({ rss: mem.rss, heapUsed: mem.heapUsed, connections: io.engine.clientsCount });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found\n');
});

const io = new Server(httpServer, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  httpCompression: false,
});

io.on('connection', (socket) => {
  socket.on('join', (room) => {
    if (typeof room !== 'string') return;
    // A client is in one room: the last one it joined.
    if (socket.data.room !== undefined && socket.data.room !== room) socket.leave(socket.data.room);
    socket.join(room);
    socket.data.room = room;
    socket.emit('joined', room);
  });

  socket.on('message', (payload) => {
    if (typeof payload !== 'string' || socket.data.room === undefined) return;
    // Everyone in the room, sender included.
    io.to(socket.data.room).emit('message', payload);
  });
});

httpServer.on('error', (err) => {
  console.error(`http server error: ${err.stack || err}`);
  process.exit(1);
});

httpServer.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`listening ${httpServer.address().port}\n`);
});

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 2000).unref();
  httpServer.closeAllConnections();
  io.close(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
