import { Navigate } from 'react-router-dom';
import { PageBlueprint } from '@backstage/frontend-plugin-api';

/** The portal opens on the catalog, where people's desktops are listed with everything else. */
export const homeRedirect = PageBlueprint.make({
  name: 'home-redirect',
  params: {
    path: '/',
    loader: async () => <Navigate to="/catalog" replace />,
  },
});
