import type { Request } from 'express';

/** Whether the client is this machine: what /metrics and the details of /readyz are shown to without a token. */
export function isLoopback(req: Request): boolean {
  // req.ip, not the socket: behind a reverse proxy on this box every socket is loopback, and the app trusts
  // X-Forwarded-For from loopback only (`trust proxy`), so req.ip is the real client
  const address = req.ip ?? req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
