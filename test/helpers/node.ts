// A real Sanad server on a loopback port, with the built web UI and a first admin: for browser tests.
import type { AddressInfo } from 'node:net';
import { startTestApp, ADMIN_EMAIL, ADMIN_PASSWORD } from './app.ts';
import { testEngines } from './store.ts';

export interface TestNode {
  url: string;
  admin: { email: string; password: string };
  close(): Promise<void>;
}

export async function startTestNode(): Promise<TestNode> {
  const [engine] = await testEngines();
  const app = await startTestApp(engine!);
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, admin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, close: app.close };
}
