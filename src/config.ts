// Settings of one running node, from command-line options, then environment, then defaults.
import path from 'node:path';

export interface PasswordHashingCost {
  memoryCost: number; // KiB
  timeCost: number;
  parallelism: number;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL schema to use instead of the server's search_path (tests use one each). */
  pgSchema: string | undefined;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Mark cookies Secure; 'auto' does so when the request arrived over HTTPS. */
  secureCookies: boolean | 'auto';
  /** Honour X-Forwarded-For from a reverse proxy. */
  trustProxy: boolean;
  sessionTtlSeconds: number;
  mfaChallengeTtlSeconds: number;
  maxFailedLogins: number;
  lockoutSeconds: number;
  loginRequestsPerMinute: number;
  /** Public reports accepted per address and hour. */
  reportRequestsPerHour: number;
  passwordHashing: PasswordHashingCost;
  logLevel: string;
  /** Let anyone, without an account, read published TLP:CLEAR intelligence. */
  anonymousClearAccess: boolean;
  /** Built web UI; served at / when present. */
  webDir: string;
  /** Where notices are mailed: smtp://user:pass@host:port or smtps://…; none: mail waits, retried. */
  smtpUrl: string | undefined;
  /** The sender of notices (and the identity of the node's signing key). */
  mailFrom: string;
  /** Hosts webhooks may reach over plain http or on private addresses (the operator's allow-list). */
  webhookAllowedHosts: string[];
  /** Hosts feeds may pull from: exact names, `*.domain` for its subdomains, or `*` (the operator's allow-list). */
  feedAllowedHosts: string[];
}

// OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane).
export const DEFAULT_PASSWORD_HASHING: PasswordHashingCost = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

const repoRoot = path.resolve(import.meta.dirname, '..');

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = {
    host: env.HOST ?? '127.0.0.1',
    port: env.PORT ? Number.parseInt(env.PORT, 10) : 8080,
    dataDir: path.resolve(env.SANAD_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    pgSchema: env.SANAD_PG_SCHEMA || undefined,
    bodyLimit: 1024 * 1024,
    secureCookies: env.SANAD_SECURE_COOKIES === 'true' ? true : env.SANAD_SECURE_COOKIES === 'false' ? false : 'auto',
    trustProxy: env.SANAD_TRUST_PROXY === 'true',
    sessionTtlSeconds: 12 * 3600,
    mfaChallengeTtlSeconds: 300,
    maxFailedLogins: 5,
    lockoutSeconds: 15 * 60,
    loginRequestsPerMinute: 30,
    reportRequestsPerHour: 10,
    passwordHashing: DEFAULT_PASSWORD_HASHING,
    logLevel: env.LOG_LEVEL ?? 'info',
    anonymousClearAccess: env.SANAD_ANONYMOUS_CLEAR === 'true',
    webDir: path.join(repoRoot, 'web', 'dist'),
    smtpUrl: env.SANAD_SMTP_URL || undefined,
    mailFrom: env.SANAD_MAIL_FROM ?? 'sanad@localhost',
    webhookAllowedHosts: (env.SANAD_WEBHOOK_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    feedAllowedHosts: (env.SANAD_FEED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    ...stripUndefined(overrides),
  };
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new Error(`port must be a number from 0 to 65535 (got ${String(config.port)})`);
  }
  config.dataDir = path.resolve(config.dataDir);
  return config;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
