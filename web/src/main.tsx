// The todochat chat page's entry: React over the API on this origin. Bundled
// by the server (src/web/web.routes.ts) on first request; see App.tsx.
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { applyStoredTheme } from './state/theme.ts';

applyStoredTheme();
const root = document.getElementById('root');
if (root === null) throw new Error('#root is missing from the page');
createRoot(root).render(<App />);
