import type { Response } from 'express';
import { cozeLogId } from './coze-ids.ts';
import type { CozeInjector } from './coze-injection.ts';
import type { CozeFakeState } from './coze-fake-state.ts';
import type { CozeRecordedRequest } from './request-log.ts';

/** What every route of the fake works with. */
export interface CozeFakeContext {
  state: CozeFakeState;
  injector: CozeInjector;
  requests: CozeRecordedRequest[];
  token: string;
  now: () => number;
  /** `mapped`: error envelopes carry the JS SDK's HTTP status (401, 403, 404, 429, 5xx); `always200`: HTTP 200 */
  errorStatus: 'mapped' | 'always200';
  nextLogId(): string;
  /** the log entry of the request this response answers */
  currentCall(res: Response): CozeRecordedRequest;
}

export function createContext(parts: Omit<CozeFakeContext, 'nextLogId' | 'currentCall' | 'requests'>): CozeFakeContext {
  let serial = 0;
  return {
    ...parts,
    requests: [],
    nextLogId: () => cozeLogId(parts.now(), ++serial),
    currentCall: (res) => res.locals.cozeCall as CozeRecordedRequest,
  };
}
