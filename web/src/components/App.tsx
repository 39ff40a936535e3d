// Signed out: the sign-in form. Signed in: the workspace, remounted for each
// session so nothing of one person's stays on screen for the next.
import { useCallback, useState } from 'react';
import { session } from '../api/client.ts';
import { forgetHistory } from '../state/history.ts';
import { useRoute } from '../state/router.ts';
import { SignIn } from './SignIn.tsx';
import { Workspace } from './Workspace.tsx';

export function App() {
  const [token, setToken] = useState(session.token);
  const [notice, setNotice] = useState('');
  const [route, navigate] = useRoute();

  const signOut = useCallback(
    (message = '') => {
      session.token = null;
      forgetHistory();
      setNotice(message);
      setToken(null);
      navigate('/', { replace: true });
    },
    [navigate],
  );

  if (token === null) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(next) => {
          session.token = next;
          setNotice('');
          setToken(next);
        }}
      />
    );
  }
  return <Workspace key={token} route={route} navigate={navigate} onSignOut={signOut} />;
}
