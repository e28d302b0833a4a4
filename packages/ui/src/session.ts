import { readonly, ref } from 'vue';
import { ApiError, apiRequest, onUnauthorized } from './api.ts';

export type UserRole = 'admin' | 'staff' | 'viewer';

/** The logged-in account, as `/api/auth/me` and `/api/auth/login` return it. */
export interface SessionUser {
  id: number | string;
  username: string;
  displayName: string | null;
  role: UserRole;
}

export const ROLE_LABELS: Record<UserRole, string> = { admin: '管理员', staff: '员工', viewer: '只读' };

/** 'unknown' until the first `/api/auth/me` answers; the shell shows a loading state meanwhile. */
export type SessionState = 'unknown' | 'anonymous' | 'authenticated';

const user = ref<SessionUser | null>(null);
const state = ref<SessionState>('unknown');

onUnauthorized(() => {
  // the cookie expired or was revoked: forget the user so the shell shows the login form again
  user.value = null;
  state.value = 'anonymous';
});

function signedIn(next: SessionUser): SessionUser {
  user.value = next;
  state.value = 'authenticated';
  return next;
}

/**
 * The page's HTML asks for its first data calls at once, before anyone knows whether a session exists (`firstDataCalls`
 * in vite-preset.ts). When none does, the browser holds their 401 answers for the first matching fetch, which would be
 * the page's own calls right after logging in. Taking those answers now lets the calls after the login reach the server.
 */
function discardPreloadedData(): void {
  document.querySelectorAll<HTMLLinkElement>('link[rel="preload"][as="fetch"]').forEach((link) => {
    // the session check itself took its preloaded answer already: a fetch now would go to the server
    if (new URL(link.href).pathname === '/api/auth/me') return;
    void fetch(link.href).catch(() => undefined);
  });
}

/** Asks the server who is logged in; resolves to null when nobody is. Other failures (server down) are thrown. */
async function refresh(): Promise<SessionUser | null> {
  try {
    const answer = await apiRequest<{ user: SessionUser }>('/api/auth/me', { expectUnauthorized: true });
    return signedIn(answer.user);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      discardPreloadedData();
      user.value = null;
      state.value = 'anonymous';
      return null;
    }
    throw error;
  }
}

async function login(username: string, password: string): Promise<SessionUser> {
  const answer = await apiRequest<{ user: SessionUser }>('/api/auth/login', {
    method: 'POST',
    body: { username, password },
    expectUnauthorized: true,
  });
  return signedIn(answer.user);
}

async function logout(): Promise<void> {
  try {
    await apiRequest<void>('/api/auth/logout', { method: 'POST', expectUnauthorized: true });
  } finally {
    user.value = null;
    state.value = 'anonymous';
  }
}

/** The one session of the page, shared by the shell and any component that needs the user (e.g. to hide admin actions). */
export function useSession() {
  return { user: readonly(user), state: readonly(state), refresh, login, logout };
}
