// Exit 0 if the Redis at the given URL answers PING within 2 s.
import net from 'node:net';

const url = new URL(process.argv[2] ?? 'redis://127.0.0.1:6379');
const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
const timer = setTimeout(() => process.exit(1), 2000);
socket.on('error', () => process.exit(1));
socket.on('connect', () => {
  if (url.password)
    socket.write(
      `AUTH ${decodeURIComponent(url.username || 'default')} ${decodeURIComponent(url.password)}\r\n`,
    );
  socket.write('PING\r\n');
});
socket.on('data', (data) => {
  if (data.toString().includes('PONG')) {
    clearTimeout(timer);
    socket.end();
    process.exit(0);
  }
});
