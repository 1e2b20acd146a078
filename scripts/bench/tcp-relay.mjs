#!/usr/bin/env node
// Below any HTTP proxy, for learn-proxy.mjs: a TCP relay that copies bytes both ways between
// each client connection and one upstream connection of its own, parsing nothing. It measures
// what the extra process hop alone costs on this machine (wake-ups, copies, scheduling).
//
//   node scripts/bench/tcp-relay.mjs <upstream-url>   (prints "listening on http://..." on stderr)
import net from 'node:net';

const upstream = new URL(process.argv[2]);
const server = net.createServer((client) => {
  const up = net.connect(Number(upstream.port), upstream.hostname);
  client.setNoDelay(true);
  up.setNoDelay(true);
  client.pipe(up);
  up.pipe(client);
  client.on('error', () => up.destroy());
  up.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`listening on http://127.0.0.1:${server.address().port}, tcp relay\n`);
});
process.on('SIGINT', () => process.exit(0));
