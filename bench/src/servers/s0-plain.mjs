// S0: the guide's plain Socket.IO server (/work/shared/socket-io-guide.md, section 4):
// every incoming 'message' is io.emit()ed to everyone. No auth, no storage.
// Changes from the guide, each needed to benchmark it: listens on 127.0.0.1 only (the
// guide's `new Server(3000)` binds every interface), no console.log per message (logging
// 100k lines/s would measure the terminal), and for room scenarios the guide's own room
// calls (section 7): 'join' -> socket.join(room), a message carrying `room` goes
// io.to(room).emit(); 'leave' and 'typing' (to the room but the sender) for scenario F.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: '*' } });

io.on('connection', (socket) => {
  socket.on('message', (msg) => {
    if (msg && typeof msg.room === 'string') io.to(msg.room).emit('message', msg);
    else io.emit('message', msg);
  });
  socket.on('join', (room) => socket.join(room));
  socket.on('leave', (room) => socket.leave(room));
  socket.on('typing', (room) => socket.to(room).emit('typing', room));
});

httpServer.listen(port, '127.0.0.1', () => process.stdout.write(`s0 listening on ${port}\n`));
process.on('SIGTERM', () => process.exit(0));
