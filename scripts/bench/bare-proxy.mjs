#!/usr/bin/env node
// The floor of any Node reverse proxy, for learn-proxy.mjs: a bare `node:http` pass-through
// (keep-alive both sides, headers and bodies piped as they come, nothing recorded or resolved).
// Whatever `eskeys learn` costs above this is its own; what this costs is Node's HTTP stack.
//
//   node scripts/bench/bare-proxy.mjs <upstream-url>   (prints "listening on http://..." on stderr)
import http from 'node:http';

const upstream = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true });
const server = http.createServer({ keepAlive: true }, (req, res) => {
  const headers = { ...req.headers };
  delete headers.connection;
  headers.host = upstream.host;
  const up = http.request(
    { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    },
  );
  up.on('error', () => res.destroy());
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`listening on http://127.0.0.1:${server.address().port}, bare proxy\n`);
});
process.on('SIGINT', () => process.exit(0));
