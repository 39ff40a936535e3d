// Sign in or create an account; the token goes to localStorage.
import { useState } from 'react';
import { api, call } from '../api/client.ts';

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: string;
  onSignedIn: (token: string) => void;
}) {
  const [problem, setProblem] = useState(notice);
  const [busy, setBusy] = useState(false);
  return (
    <main className="auth">
      <h1>todochat</h1>
      <p className="tagline">Your todo list, by chat.</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const submitter = event.nativeEvent.submitter;
          const register = submitter?.dataset.mode === 'register';
          const form = new FormData(event.currentTarget);
          const credentials = {
            email: field(form, 'email'),
            password: field(form, 'password'),
          };
          setBusy(true);
          setProblem('');
          call(
            register
              ? api.POST('/api/auth/register', { body: credentials })
              : api.POST('/api/auth/login', { body: credentials }),
          )
            .then((result) => {
              onSignedIn(result.access_token);
            })
            .catch((error: unknown) => {
              const status = (error as { status?: number }).status;
              setProblem(
                status === 422
                  ? 'Use a valid email and a password of at least 8 characters.'
                  : error instanceof Error
                    ? error.message
                    : 'Could not sign in.',
              );
              setBusy(false);
            });
        }}
      >
        <label>
          Email <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            minLength={8}
            required
          />
        </label>
        <p className="error" role="alert">
          {problem}
        </p>
        <div className="row">
          <button type="submit" data-mode="login" disabled={busy}>
            Sign in
          </button>
          <button type="submit" data-mode="register" className="secondary" disabled={busy}>
            Create account
          </button>
        </div>
      </form>
    </main>
  );
}
