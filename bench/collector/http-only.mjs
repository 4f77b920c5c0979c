// The peer for the collector bench: a bare Node HTTP server that reads the body and
// answers an ack, with no checks and no storage: the ceiling for this load on this machine.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({ ok: true, messageId: req.headers['x-bench-id'] ?? '', duplicate: false });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, process.argv[2] ?? '127.3.8.1', () => process.stderr.write(`listening on http://${server.address().address}:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
