import { createRealtimeClient, createSpineClient, type RealtimeClient, type SpineClient, type SpineSession } from "@spine/client";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { API_URL, GATEWAY_URL } from "./config.ts";

const STORAGE_KEY = "spine.console.session";

interface Stored {
  accessToken: string;
  refreshToken: string;
  user: SpineSession["user"];
}

export interface SessionValue {
  user: SpineSession["user"];
  client: SpineClient;
  /** Created once the console is mounted (and closed when it unmounts or the session ends). */
  realtime: RealtimeClient;
  accessToken: () => string;
  signOut: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in console");
  return value;
}

function load(): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
}

/** An anonymous client for sign-in (no token). */
export const anonymousClient: SpineClient = createSpineClient({ url: `${API_URL}/trpc` });

/**
 * Holds the signed-in session (sessionStorage, per tab): one typed tRPC client that refreshes its
 * access token with the rotating refresh token, and one realtime client on the same token.
 */
export function SessionProvider({ children, signedOut, onSignOut }: {
  children: ReactNode;
  signedOut: (onSession: (s: SpineSession) => void) => ReactNode;
  onSignOut: () => void;
}) {
  const [stored, setStored] = useState<Stored | null>(load);
  const signOutHook = useRef(onSignOut);
  signOutHook.current = onSignOut;

  const value = useMemo<Omit<SessionValue, "realtime"> | null>(() => {
    if (!stored) return null;
    let current = stored;
    const save = (next: Stored) => {
      current = next;
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    };
    const client = createSpineClient({
      url: `${API_URL}/trpc`,
      getToken: () => current.accessToken,
      refresh: { refreshToken: stored.refreshToken, onSession: (s) => save({ accessToken: s.accessToken, refreshToken: s.refreshToken, user: s.user }) },
    });
    return {
      user: stored.user,
      client,
      accessToken: () => current.accessToken,
      signOut: () => {
        void client.auth.signOut.mutate({ everywhere: false }).catch(() => undefined);
        sessionStorage.removeItem(STORAGE_KEY);
        setStored(null);
        signOutHook.current();
      },
    };
  }, [stored]);

  // The realtime client lives with the mounted session: an effect creates it and its cleanup closes it
  // (so React's StrictMode remount gets a fresh one instead of a closed one).
  const [realtime, setRealtime] = useState<RealtimeClient | null>(null);
  useEffect(() => {
    if (!value) return;
    const client = createRealtimeClient({ url: GATEWAY_URL, getToken: value.accessToken, reconnectDelayMs: 250 });
    setRealtime(client);
    return () => {
      client.close();
      setRealtime(null);
    };
  }, [value]);

  const context = useMemo<SessionValue | null>(() => (value && realtime ? { ...value, realtime } : null), [value, realtime]);

  if (!value) {
    return signedOut((s) => {
      const next = { accessToken: s.accessToken, refreshToken: s.refreshToken, user: s.user };
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      setStored(next);
    });
  }
  if (!context) return null;
  return <SessionContext.Provider value={context}>{children}</SessionContext.Provider>;
}
