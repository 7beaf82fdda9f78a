import '@backstage/cli/asset-types';
import ReactDOM from 'react-dom/client';
import App from './App';
import '@backstage/ui/css/styles.css';

// Every visit opens on the sign-in page, which restores the session, and its
// code is a lazy chunk the app asks for only once it has started. Asking for
// it here lets the browser read and compile it while the plugins' code still
// runs, instead of after: one step less between the page and the sign-in.
import('./modules/signIn/SignIn');

ReactDOM.createRoot(document.getElementById('root')!).render(App.createRoot());
