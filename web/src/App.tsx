// Three areas by pathname: /connect (public camera registration), /connect/manage (a camera owner's page) and
// everything else (the staff app). Each is its own chunk, so the public pages load no staff code.
import { lazy, Suspense } from 'react';

const Registration = lazy(() => import('./connect/Registration').then((m) => ({ default: m.Registration })));
const OwnerPage = lazy(() => import('./connect/OwnerPage').then((m) => ({ default: m.OwnerPage })));
const StaffApp = lazy(() => import('./pages/StaffApp').then((m) => ({ default: m.StaffApp })));

export type Area = 'register' | 'manage' | 'staff';

export function areaOf(pathname: string): Area {
  const path = pathname.replace(/\/+$/, '').toLowerCase();
  if (path === '/connect') return 'register';
  if (path === '/connect/manage') return 'manage';
  return 'staff';
}

export function App({ pathname }: { pathname: string }) {
  const area = areaOf(pathname);
  return (
    <Suspense fallback={<Loading />}>
      {area === 'register' ? <Registration /> : area === 'manage' ? <OwnerPage /> : <StaffApp />}
    </Suspense>
  );
}

function Loading() {
  return (
    <div className="checking">
      <p role="status">Loading…</p>
    </div>
  );
}
