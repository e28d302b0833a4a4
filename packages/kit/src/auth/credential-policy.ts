import { ValidationError } from '../errors.ts';

export const MIN_PASSWORD_LENGTH = 8;
// scrypt cost does not grow with length, but there is no reason to accept megabytes either.
export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_USERNAME_LENGTH = 64;
export const MAX_DISPLAY_NAME_LENGTH = 100;

// Letters of any script (staff may use Chinese names), digits and . _ @ -; no spaces or control characters,
// so a username is always shown and typed the same way.
const USERNAME_PATTERN = /^[\p{L}\p{N}._@-]+$/u;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** The rules for a new password; `field` names the input (a form field or a CLI flag) in the error. */
export function assertPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    const message = `密码至少需要 ${MIN_PASSWORD_LENGTH} 个字符`;
    throw new ValidationError(message, [{ field, message }]);
  }
  if (length > MAX_PASSWORD_LENGTH) {
    const message = `密码不能超过 ${MAX_PASSWORD_LENGTH} 个字符`;
    throw new ValidationError(message, [{ field, message }]);
  }
}

/** Returns the username as it will be stored (trimmed) or throws naming `field`. */
export function normaliseNewUsername(username: string, field = 'username'): string {
  const trimmed = username.trim();
  const fail = (message: string): never => {
    throw new ValidationError(message, [{ field, message }]);
  };
  if (trimmed.length === 0) fail('用户名不能为空');
  if ([...trimmed].length > MAX_USERNAME_LENGTH) fail(`用户名不能超过 ${MAX_USERNAME_LENGTH} 个字符`);
  if (!USERNAME_PATTERN.test(trimmed)) fail('用户名只能包含字母、数字、汉字和 . _ @ -');
  return trimmed;
}

/** Returns the display name as it will be stored (trimmed, empty → null) or throws naming `field`. */
export function normaliseDisplayName(displayName: string | null | undefined, field = 'displayName'): string | null {
  const trimmed = displayName?.trim() ?? '';
  if (trimmed.length === 0) return null;
  if ([...trimmed].length > MAX_DISPLAY_NAME_LENGTH || CONTROL_CHARACTERS.test(trimmed)) {
    const message = `显示名称不能超过 ${MAX_DISPLAY_NAME_LENGTH} 个字符，且不能包含控制字符`;
    throw new ValidationError(message, [{ field, message }]);
  }
  return trimmed;
}
