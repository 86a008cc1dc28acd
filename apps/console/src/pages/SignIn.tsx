import type { SpineSession } from "@spine/client";
import { useState, type FormEvent } from "react";
import { anonymousClient } from "../session.tsx";
import { ErrorView } from "../ui.tsx";

/** Sign in (or create an account) with the API's auth procedures. */
export function SignIn({ onSession }: { onSession: (s: SpineSession) => void }) {
  const [mode, setMode] = useState<"signIn" | "signUp">("signIn");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = mode === "signIn"
        ? await anonymousClient.auth.signIn.mutate({ email, password })
        : await anonymousClient.auth.signUp.mutate({ email, password, displayName });
      onSession(session);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <h1>Spine console</h1>
      <form onSubmit={(e) => void submit(e)} aria-label={mode === "signIn" ? "Sign in" : "Create account"}>
        <h2>{mode === "signIn" ? "Sign in" : "Create an account"}</h2>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" autoComplete={mode === "signIn" ? "current-password" : "new-password"} required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {mode === "signUp" ? (
          <label>
            Display name
            <input required value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
        ) : null}
        <button type="submit" disabled={busy}>{busy ? "…" : mode === "signIn" ? "Sign in" : "Create account"}</button>
        {error ? <ErrorView error={error} title={mode === "signIn" ? "Sign-in failed" : "Sign-up failed"} /> : null}
      </form>
      <button type="button" className="link" onClick={() => setMode(mode === "signIn" ? "signUp" : "signIn")}>
        {mode === "signIn" ? "No account? Create one" : "Have an account? Sign in"}
      </button>
    </main>
  );
}
