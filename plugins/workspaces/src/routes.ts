import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/frontend-plugin-api';

export const rootRouteRef = createRouteRef();
export const consoleRouteRef = createRouteRef({ params: ['name'] });
/** One recorded console session of a desktop, replayed. */
export const recordingRouteRef = createRouteRef({ params: ['name', 'id'] });
/** The home page of people who use desktops; the app chooses its path. */
export const homeRouteRef = createRouteRef();

/**
 * Where desktops are ordered. The scaffolder's create page by default, so
 * an app with the scaffolder needs no binding.
 */
export const createDesktopRouteRef = createExternalRouteRef({
  defaultTarget: 'scaffolder.root',
});

/**
 * The Desktop tab's path under the entity page. A route ref cannot reach it
 * from outside that page, whose path has parameters, so links from elsewhere
 * append it to the entity's link.
 */
export const DESKTOP_TAB_PATH = 'desktop';
