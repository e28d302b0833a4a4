import { SERVICES } from '@doitcrm/types';

const MESSAGES_PORT: number = SERVICES.find((service) => service.key === 'messages')!.port;

/**
 * A link to the messages page on the host the viewer used (every service runs on its own port of one host).
 * `query` is `user=…`, `room=…` or `msg=…`, already encoded.
 */
export function messagesUrl(origin: { protocol: string; hostname: string }, query: string | null, port = MESSAGES_PORT): string | null {
  if (!query) return null;
  const host = origin.hostname.includes(':') ? `[${origin.hostname}]` : origin.hostname;
  return `${origin.protocol}://${host}:${port}/?${query}`;
}

export const userQuery = (originalId: string) => `user=${encodeURIComponent(originalId)}`;
export const roomQuery = (roomId: string) => `room=${encodeURIComponent(roomId)}`;
