// Page frame: header with node name, navigation, the logged-in user and logout.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { NodeInfo } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { canManageOrganisations, canManageUsers } from '../permissions.ts';
import { Link, NavLink, navigate } from '../router.tsx';
import { label } from './format.ts';

function NodeName({ node }: { node: NodeInfo | null }) {
  return (
    <span className="brand">
      <span className="brand-mark">Sanad</span>
      {node ? <span className="brand-node">{node.name}</span> : null}
    </span>
  );
}

function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      Skip to content
    </a>
  );
}

/** Move focus to the page heading after client-side navigation, for screen-reader and keyboard users. */
function useFocusOnNavigate(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus({ preventScroll: false });
    }
  }, [path]);
}

export function Layout({ node, path, children }: { node: NodeInfo | null; path: string; children: ReactNode }) {
  const { user, logout } = useAuth();
  const [busy, setBusy] = useState(false);
  useFocusOnNavigate(path);
  if (!user) return null;

  const onLogout = async (): Promise<void> => {
    setBusy(true);
    try {
      await logout();
    } finally {
      setBusy(false);
      navigate('/directory');
    }
  };

  return (
    <>
      <SkipLink />
      <header className="app-header">
        <div className="header-row">
          <Link to="/directory" className="brand-link">
            <NodeName node={node} />
          </Link>
          <div className="whoami">
            <span className="whoami-name">{user.name || user.email}</span>
            <span className="whoami-meta">
              {user.email} · {user.orgName} · {label(user.role)}
            </span>
            <button type="button" className="button-secondary" onClick={() => void onLogout()} disabled={busy}>
              Log out
            </button>
          </div>
        </div>
        <nav aria-label="Main">
          <ul className="nav-list">
            <li>
              <NavLink to="/directory" current={path.startsWith('/organisations') ? '/directory' : path}>
                Directory
              </NavLink>
            </li>
            <li>
              <NavLink to="/events" current={path}>
                Intelligence
              </NavLink>
            </li>
            <li>
              <NavLink to="/lookup" current={path}>
                Lookup
              </NavLink>
            </li>
            <li>
              <NavLink to="/api-keys" current={path}>
                API keys
              </NavLink>
            </li>
            <li>
              <NavLink to="/profile" current={path}>
                Profile
              </NavLink>
            </li>
            {canManageOrganisations(user) ? (
              <li>
                <NavLink to="/admin/organisations" current={path}>
                  Admin: organisations
                </NavLink>
              </li>
            ) : user.role === 'org-admin' ? (
              <li>
                <NavLink to={`/admin/organisations/${encodeURIComponent(user.orgId)}/edit`} current={path}>
                  Admin: my organisation
                </NavLink>
              </li>
            ) : null}
            {canManageUsers(user) ? (
              <li>
                <NavLink to="/admin/users" current={path}>
                  Admin: users
                </NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="app-footer">
        {node ? (
          <span className="muted">
            Node {node.nodeId} · version {node.version}
          </span>
        ) : null}
      </footer>
    </>
  );
}

/** The frame around the login form. */
export function AnonymousLayout({ node, children }: { node: NodeInfo | null; children: ReactNode }) {
  return (
    <>
      <SkipLink />
      <header className="app-header">
        <div className="header-row">
          <NodeName node={node} />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="main-narrow">
        {children}
      </main>
    </>
  );
}
