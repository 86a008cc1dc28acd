import type { AnyEnvelope, TCursor } from "@spine/contracts";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useSession } from "./session.tsx";

export interface LiveEnvelope {
  envelope: AnyEnvelope;
  cursor: TCursor;
  receivedAt: string;
}

export interface LiveFeed {
  envelopes: LiveEnvelope[];
  status: "connecting" | "live" | "error" | "ended";
  error: string | null;
  clear: () => void;
}

const MAX_KEPT = 500;
const FeedContext = createContext<LiveFeed | null>(null);

export function useLiveFeed(): LiveFeed {
  const feed = useContext(FeedContext);
  if (!feed) throw new Error("useLiveFeed outside LiveFeedProvider");
  return feed;
}

/**
 * Subscribes the session's realtime client to the current workspace while the console shows it and
 * keeps the last 500 envelopes, newest first, so the live-events page has what arrived meanwhile.
 */
export function LiveFeedProvider({ workspaceId, children }: { workspaceId: string; children: ReactNode }) {
  const { realtime } = useSession();
  const [envelopes, setEnvelopes] = useState<LiveEnvelope[]>([]);
  const [status, setStatus] = useState<LiveFeed["status"]>("connecting");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    setEnvelopes([]);
    setStatus("connecting");
    const offAny = realtime.onAny((envelope, meta) => {
      if (meta.workspaceId !== workspaceId) return;
      setEnvelopes((prev) => [{ envelope, cursor: meta.cursor, receivedAt: new Date().toISOString() }, ...prev].slice(0, MAX_KEPT));
    });
    const offEnded = realtime.onSubscriptionEnded((e) => {
      if (e.workspaceId === workspaceId) { setStatus("ended"); setError(`subscription ended: ${e.reason}`); }
    });
    const offError = realtime.onError((e) => setError(`${e.code}: ${e.message}`));
    realtime.subscribe(workspaceId).then(
      () => { if (active) { setStatus("live"); setError(null); } },
      (err: unknown) => { if (active) { setStatus("error"); setError(err instanceof Error ? err.message : String(err)); } },
    );
    return () => {
      active = false;
      offAny();
      offEnded();
      offError();
      void realtime.unsubscribe(workspaceId).catch(() => undefined);
    };
  }, [realtime, workspaceId]);

  return <FeedContext.Provider value={{ envelopes, status, error, clear: () => setEnvelopes([]) }}>{children}</FeedContext.Provider>;
}
