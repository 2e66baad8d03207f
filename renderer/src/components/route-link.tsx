/** A link to a route of the dashboard: a real `href` to open elsewhere, navigating in place on click. */
import type { ReactNode } from 'react';
import { useDashboard } from '../state/dashboard-store.ts';
import { routeHash, type Route } from '../state/route.ts';

export function RouteLink({
  route,
  className,
  children,
  label,
}: {
  route: Route;
  className?: string;
  children: ReactNode;
  label?: string;
}) {
  const navigate = useDashboard((state) => state.navigate);
  return (
    <a
      className={className}
      href={routeHash(route)}
      aria-label={label}
      onClick={(event) => {
        event.preventDefault();
        navigate(route);
      }}
    >
      {children}
    </a>
  );
}
