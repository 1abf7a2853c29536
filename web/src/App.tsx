// Routes of the UI, behind the login.
import { useEffect, useState } from 'react';
import { api, type NodeInfo, type User } from './api.ts';
import { useAuth } from './auth.tsx';
import { Loading } from './components/Alert.tsx';
import { AnonymousLayout, Layout } from './components/Layout.tsx';
import { AdminOrganisationsPage } from './pages/AdminOrganisationsPage.tsx';
import { AdminUsersPage } from './pages/AdminUsersPage.tsx';
import { ApiKeysPage } from './pages/ApiKeysPage.tsx';
import { DirectoryPage } from './pages/DirectoryPage.tsx';
import { EventPage } from './pages/EventPage.tsx';
import { EventsPage } from './pages/EventsPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { LookupPage } from './pages/LookupPage.tsx';
import { NewEventPage } from './pages/NewEventPage.tsx';
import { OrganisationFormPage } from './pages/OrganisationFormPage.tsx';
import { OrganisationPage } from './pages/OrganisationPage.tsx';
import { ChangePassword, ProfilePage } from './pages/ProfilePage.tsx';
import { ReportPage } from './pages/ReportPage.tsx';
import { canEditOrganisation, canManageOrganisations, canManageUsers, canWriteIntel } from './permissions.ts';
import { Link, match, useRoute } from './router.tsx';

function Message({ title, text }: { title: string; text: string }) {
  return (
    <section>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <Link to="/directory">Go to the directory</Link>
      </p>
    </section>
  );
}

const forbidden = <Message title="Not allowed" text="Your role does not give access to this page." />;

function Page({ path, user }: { path: string; user: User }) {
  if (path === '/' || path === '/directory') return <DirectoryPage />;
  if (path === '/profile') return <ProfilePage />;
  if (path === '/api-keys') return <ApiKeysPage />;
  if (path === '/events') return <EventsPage />;
  if (path === '/events/new') return canWriteIntel(user) ? <NewEventPage /> : forbidden;
  if (path === '/lookup') return <LookupPage />;
  if (path === '/admin/organisations') return canManageOrganisations(user) ? <AdminOrganisationsPage /> : forbidden;
  if (path === '/admin/organisations/new') return canManageOrganisations(user) ? <OrganisationFormPage id={null} /> : forbidden;
  if (path === '/admin/users') return canManageUsers(user) ? <AdminUsersPage /> : forbidden;
  let m = match('/organisations/:id', path);
  if (m?.id) return <OrganisationPage key={m.id} id={m.id} />;
  m = match('/events/:id', path);
  if (m?.id) return <EventPage key={m.id} id={m.id} />;
  m = match('/admin/organisations/:id/edit', path);
  if (m?.id) return canEditOrganisation(user, m.id) ? <OrganisationFormPage key={m.id} id={m.id} /> : forbidden;
  return <Message title="Page not found" text="There is no page at this address." />;
}

export function App() {
  const { status, user, refresh, logout } = useAuth();
  const path = useRoute();
  const [node, setNode] = useState<NodeInfo | null>(null);

  useEffect(() => {
    api.node().then(
      (n) => {
        setNode(n);
        document.title = `Sanad · ${n.name}`;
      },
      () => undefined,
    );
  }, []);

  // The public report form needs no account: served at /report whoever is (or is not) signed in.
  if (window.location.pathname.replace(/\/+$/, '') === '/report' || path === '/report') {
    return (
      <AnonymousLayout node={node}>
        <ReportPage />
      </AnonymousLayout>
    );
  }
  if (status === 'loading') {
    return (
      <AnonymousLayout node={node}>
        <Loading />
      </AnonymousLayout>
    );
  }
  if (!user) {
    return (
      <AnonymousLayout node={node}>
        <LoginPage />
      </AnonymousLayout>
    );
  }
  if (user.passwordChangeRequired) {
    return (
      <AnonymousLayout node={node}>
        <section aria-labelledby="first-login-title">
          <h1 id="first-login-title">Choose your own password</h1>
          <p>Your password was set by someone else. Choose one only you know before going on.</p>
          <ChangePassword onChanged={() => void refresh()} />
          <p>
            <button type="button" className="button-secondary" onClick={() => void logout()}>
              Log out
            </button>
          </p>
        </section>
      </AnonymousLayout>
    );
  }
  return (
    <Layout node={node} path={path}>
      <Page path={path} user={user} />
    </Layout>
  );
}
