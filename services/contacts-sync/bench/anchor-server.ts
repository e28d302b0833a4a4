// The callback benchmark's anchor: a bare Express on this box that reads the body and answers 200 — the least any
// receiver can do over the same HTTP stack. Prints its port as the services print theirs.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.post('/callback', express.text({ type: () => true, limit: '64kb' }), (_req, res) => {
  res.status(200).type('text/plain').send('');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, msg: 'anchor listening' }));
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
