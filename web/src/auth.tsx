// Session state of the logged-in user, shared through context.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler, type Session, type User } from './api.ts';

interface AuthState {
  status: 'loading' | 'anonymous' | 'authenticated';
  user: User | null;
  /** Store a session answered by login, login/mfa or session. */
  setSession(session: Session): void;
  /** Re-read the session (e.g. after enabling the second factor). */
  refresh(): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthState['status']>('loading');
  const [user, setUser] = useState<User | null>(null);

  const setSession = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setUser(session.user);
    setStatus('authenticated');
  }, []);

  const clear = useCallback(() => {
    setCsrfToken(null);
    setUser(null);
    setStatus('anonymous');
  }, []);

  const refresh = useCallback(async () => {
    try {
      setSession(await api.session());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) clear();
      else throw err;
    }
  }, [setSession, clear]);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      clear();
    }
  }, [clear]);

  useEffect(() => {
    refresh().catch(() => clear());
    // A 401 on an ordinary request means the session expired: confirm and drop it.
    setUnauthorizedHandler(() => {
      refresh().catch(() => undefined);
    });
    return () => setUnauthorizedHandler(null);
  }, [refresh, clear]);

  const value = useMemo<AuthState>(
    () => ({ status, user, setSession, refresh, logout }),
    [status, user, setSession, refresh, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The logged-in user; only for components rendered behind the login. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a session');
  return user;
}
