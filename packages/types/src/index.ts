export * from './envelope.ts';
export * from './messages.ts';
export * from './domain.ts';
export * from './id-kind.ts';
export * from './dispatch.ts';
