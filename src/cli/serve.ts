import type { Command } from 'commander';
import { closeApp, openApp } from '../app.ts';
import { buildServer } from '../server.ts';
import { initNode, readNodeInfo } from '../features/node/service.ts';
import { configFrom } from './context.ts';
import { startBackgroundJobs } from '../background.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API and web UI')
    .option('--host <host>', 'address to listen on (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '8080')
    .option('--init-if-empty', 'initialise the node first when the store is empty (what `npm start` does)')
    .action(async (options: { host: string; port: string; initIfEmpty?: boolean }, command: Command) => {
      const config = configFrom(command, { host: options.host, port: Number.parseInt(options.port, 10) });
      const ctx = await openApp(config);
      if (options.initIfEmpty && !(await readNodeInfo(ctx))) {
        const result = await initNode(ctx, {
          nodeName: process.env.SANAD_NODE_NAME ?? 'Sanad',
          country: process.env.SANAD_COUNTRY,
          adminEmail: process.env.SANAD_ADMIN_EMAIL ?? 'admin@sanad.local',
          adminPassword: process.env.SANAD_ADMIN_PASSWORD,
        });
        console.log(`Initialised node "${result.node.name}" in ${ctx.store.location}`);
        console.log(`  node key fingerprint: ${result.node.fingerprint}`);
        console.log(`  first administrator:  ${result.adminEmail}`);
        if (result.generatedPassword) console.log(`  one-time password:    ${result.generatedPassword}   (shown once: you choose your own at first login)`);
      }
      const app = await buildServer(ctx);
      const stopJobs = startBackgroundJobs(ctx, app.log);
      const shutdown = async (signal: string) => {
        app.log.info({ signal }, 'shutting down');
        await stopJobs();
        await app.close();
        await closeApp(ctx);
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
      console.log(`Sanad is running at http://${shownHost}:${port}/  (store: ${ctx.store.engine}, ${ctx.store.location})`);
    });
}
