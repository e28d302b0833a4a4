import { randomBytes } from 'node:crypto';
import type { CallbackDelivery } from '../callback/callback-sender.ts';
import type { OutgoingEvent } from '../callback/event-xml.ts';
import type { WecomDirectory } from '../wecom-fake-state.ts';

/** What a staff action needs: the directory it changes, the fake's clock, and the callback it raises. */
export interface StaffContext {
  directory: WecomDirectory;
  now(): number;
  /** sends the event when a callback sender is attached; null when none is */
  emit(event: OutgoingEvent): Promise<CallbackDelivery | null>;
}

/** What an action changed, and the callback it raised (null without a sender). */
export interface StaffActionResult<T extends object = object> {
  result: T;
  callback: CallbackDelivery | null;
}

/** A staff action that cannot happen as asked: `status` is what the control API answers. */
export class StaffActionError extends Error {
  constructor(readonly status: 400 | 404 | 409, message: string) {
    super(message);
    this.name = 'StaffActionError';
  }
}

/** Ids shaped like WeCom's: a prefix and 30 URL-safe characters (`wm…` customers, `wr…` groups, `et…` tags). */
export function newWecomId(prefix: 'wm' | 'wr' | 'et'): string {
  return `${prefix}${randomBytes(23).toString('base64url').slice(0, 30)}`;
}

export const seconds = (ms: number): number => Math.floor(ms / 1000);

export function requireText(value: unknown, name: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw new StaffActionError(400, `${name} is required`);
}

export function requireTexts(value: unknown, name: string): string[] {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) return value as string[];
  throw new StaffActionError(400, `${name} must be a non-empty list of ids`);
}
