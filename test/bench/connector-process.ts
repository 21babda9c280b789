/*
 * A Bot Connector stand-in in a process of its own, for load benchmarks: the load generator must not share an
 * event loop with the server the bot replies to, or the bot's measured response time includes the generator's
 * own queueing. Accepts every activity (201 with an id); prints `READY <port>` on stdout.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

let seq = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(req.method === 'PUT' ? 200 : 201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `c-${++seq}` }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
