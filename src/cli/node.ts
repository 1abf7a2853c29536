import type { Command } from 'commander';
import { initNode, readNodeInfo } from '../features/node/service.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { openStore } from '../store/db.ts';
import { configFrom, withApp } from './context.ts';

export function registerNodeCommands(program: Command): void {
  program
    .command('init')
    .description("create the node's identity (Ed25519 key), its operator organisation and the first admin")
    .requiredOption('--node-name <name>', 'name of this node, e.g. "OIC-CERT hub"')
    .option('--country <cc>', 'ISO 3166-1 alpha-2 country of the node')
    .option('--org-name <name>', 'name of the operating organisation (default: "<node name> operators")')
    .requiredOption('--admin-email <email>', 'e-mail of the first administrator')
    .option('--admin-password <password>', 'password of the first administrator (default: a generated one, printed once)')
    .option('--admin-name <name>', 'display name of the first administrator')
    .action(async (options: { nodeName: string; country?: string; orgName?: string; adminEmail: string; adminPassword?: string; adminName?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const result = await initNode(ctx, options);
        console.log(`Initialised node "${result.node.name}" (${result.node.nodeId}) in ${ctx.store.location}`);
        console.log(`node key fingerprint: ${result.node.fingerprint}`);
        console.log(`first administrator: ${result.adminEmail}`);
        if (result.generatedPassword) console.log(`one-time password: ${result.generatedPassword}`);
      });
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async (_options: unknown, command: Command) => {
      const config = configFrom(command);
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: config.pgSchema });
      try {
        const applied = await migrateToLatest(store.db, config.databaseUrl ? config.pgSchema : undefined);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
      } finally {
        await store.close();
      }
    });

  const node = program.command('node').description("this node's identity");
  node
    .command('key')
    .description("print this node's Ed25519 public key (base64) alone on one line")
    .action(async (_options: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const info = await readNodeInfo(ctx);
        if (!info) throw new Error('this node is not initialised: run `sanad init`');
        console.log(info.publicKey);
      });
    });
  node
    .command('show')
    .description('print the node identity')
    .action(async (_options: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const info = await readNodeInfo(ctx);
        if (!info) throw new Error('this node is not initialised: run `sanad init`');
        console.log(JSON.stringify(info, null, 2));
      });
    });
}
