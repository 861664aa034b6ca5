// A flooding chat client in its own process (the fairness test in floods.test.ts), so its
// own CPU does not count against the server: a real flooder runs on another machine.
// Driven over IPC: {type:'start'} / {type:'stop'} / {type:'exit'}; sends {type:'stats'}
// when it exits. While started it emits message:send as fast as its event loop allows,
// ignores every refusal, and when the server cuts it off or refuses its handshake it
// reconnects at once: the worst a single account can do.
import { io } from 'socket.io-client';

const [url, cookie, roomId] = process.argv.slice(2);
let flooding = false;
let running = true;
const stats = { connections: 0, refusedConnections: 0, accepted: 0, refused: 0, sent: 0 };
let counter = 0;

process.on('message', (message) => {
  if (message.type === 'start') flooding = true;
  else if (message.type === 'stop') flooding = false;
  else if (message.type === 'exit') running = false;
});
process.on('disconnect', () => (running = false));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));

let socket = null;
while (running) {
  if (!flooding) {
    await sleep(5);
    continue;
  }
  if (!socket || !socket.connected) {
    socket?.disconnect();
    socket = io(`${url}/chat`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie },
    });
    const connected = await new Promise((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    if (connected) stats.connections++;
    else stats.refusedConnections++;
    continue;
  }
  for (let i = 0; i < 25 && socket.connected; i++) {
    stats.sent++;
    socket.emit(
      'message:send',
      { roomId, clientMessageId: `flood-${process.pid}-${counter++}`, text: 'FLOOD' },
      (ack) => {
        if (ack.ok) stats.accepted++;
        else stats.refused++;
      },
    );
  }
  await tick();
}
socket?.disconnect();
process.send?.({ type: 'stats', ...stats });
process.disconnect?.();
