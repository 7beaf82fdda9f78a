import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { createDesktopRouteRef } from '../../routes';

/** Hidden when the app has no route to order from. */
export function OrderDesktopButton() {
  const createDesktop = useRouteRef(createDesktopRouteRef);
  if (!createDesktop) return null;
  return (
    // LinkButton, not a Button rendering a Link: the Link's own text colour
    // is the primary blue, which made the label vanish on the blue button.
    <LinkButton variant="contained" color="primary" to={createDesktop()}>
      Order a desktop
    </LinkButton>
  );
}
