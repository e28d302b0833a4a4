// The benchmark's anchor: a bare Express 5 app answering "hello" on a free port, which it prints.
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => {
  res.send('hello');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address ? address.port : 0);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
