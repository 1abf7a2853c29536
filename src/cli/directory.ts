// `sanad org …`, `sanad user …`, `sanad apikey …`: the operator's hands on the directory.
import type { Command } from 'commander';
import { Option } from 'commander';
import { TIERS, MEMBER_STATUSES, type Tier, type MemberStatus } from '../domain/organisation.ts';
import { ROLES, type Role } from '../domain/roles.ts';
import { createOrganisation, findOrganisation, listOrganisations } from '../features/organisations/service.ts';
import { createUser, findUserByEmail, listUsers, updateUser } from '../features/users/service.ts';
import { createApiKey, revokeApiKey } from '../features/api-keys/service.ts';
import { readNodeInfo } from '../features/node/service.ts';
import { randomToken } from '../features/auth/tokens.ts';
import { systemViewer } from '../policy/viewer.ts';
import { collectPages } from '../domain/cursor.ts';
import { operator, printTable, withApp } from './context.ts';

const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

export function registerDirectoryCommands(program: Command): void {
  const org = program.command('org').description('member organisations');
  org
    .command('add')
    .description('register an organisation')
    .requiredOption('--name <name>')
    .requiredOption('--short-name <short>')
    .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2')
    .addOption(new Option('--tier <tier>').choices(TIERS).default('full'))
    .addOption(new Option('--status <status>').choices(MEMBER_STATUSES).default('member'))
    .option('--role-email <email>')
    .option('--ip-prefix <prefixes>', 'constituency IP prefixes (comma-separated, repeatable)', list)
    .option('--asn <asns>', 'constituency AS numbers (comma-separated, repeatable)', list)
    .option('--domain <domains>', 'constituency domains (comma-separated, repeatable)', list)
    .action(async (o: { name: string; shortName: string; country: string; tier: Tier; status: MemberStatus; roleEmail?: string; ipPrefix?: string[]; asn?: string[]; domain?: string[] }, command: Command) => {
      await withApp(command, async (ctx) => {
        const node = await readNodeInfo(ctx);
        const created = await createOrganisation(
          ctx,
          operator('org add'),
          {
            name: o.name,
            shortName: o.shortName,
            country: o.country,
            tier: o.tier,
            status: o.status,
            ...(o.roleEmail ? { contacts: { roleEmail: o.roleEmail } } : {}),
            constituency: { ipPrefixes: o.ipPrefix ?? [], asns: o.asn ?? [], domains: o.domain ?? [] },
          },
          { homeNode: node?.name ?? 'local' },
        );
        console.log(`created organisation ${created.shortName} (${created.id})`);
      });
    });
  org
    .command('list')
    .description('list organisations')
    .action(async (_o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const organisations = await collectPages((cursor) => listOrganisations(ctx, systemViewer('cli org list'), { limit: 500, cursor }));
        printTable(organisations.map((i) => ({ id: i.id, shortName: i.shortName, name: i.name, country: i.country ?? '', tier: i.tier, status: i.status })));
      });
    });
  org
    .command('show <ref>')
    .description('show an organisation by id or short name')
    .action(async (ref: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        console.log(JSON.stringify(await findOrganisation(ctx, systemViewer('cli org show'), ref), null, 2));
      });
    });

  const user = program.command('user').description('user accounts');
  user
    .command('add')
    .description('create a user account')
    .requiredOption('--org <ref>', 'organisation id or short name')
    .requiredOption('--email <email>')
    .option('--name <name>', 'display name (default: the e-mail)')
    .addOption(new Option('--role <role>').choices(ROLES).default('analyst'))
    .option('--password <password>', 'initial password (default: generated and printed once)')
    .action(async (o: { org: string; email: string; name?: string; role: Role; password?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const organisation = await findOrganisation(ctx, systemViewer('cli user add'), o.org);
        const password = o.password ?? randomToken(18);
        const created = await createUser(ctx, operator('user add'), { orgId: organisation.id, email: o.email, name: o.name ?? o.email, role: o.role, password }, { passwordChosenByOther: true });
        console.log(`created ${created.role} ${created.email} in ${organisation.shortName} (${created.id})`);
        if (!o.password) console.log(`one-time password: ${password}`);
      });
    });
  user
    .command('list')
    .description('list user accounts')
    .option('--org <ref>', 'only this organisation (id or short name)')
    .action(async (o: { org?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const viewer = systemViewer('cli user list');
        const orgId = o.org ? (await findOrganisation(ctx, viewer, o.org)).id : undefined;
        const users = await collectPages((cursor) => listUsers(ctx, viewer, { orgId, limit: 500, cursor }));
        printTable(users.map((u) => ({ email: u.email, name: u.name, role: u.role, organisation: u.orgName, disabled: u.disabled ? 'yes' : '', mfa: u.mfaEnabled ? 'yes' : '' })));
      });
    });
  user
    .command('disable <email>')
    .description('disable an account (its sessions end, its API keys stop working)')
    .action(async (email: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const target = await findUserByEmail(ctx, email);
        await updateUser(ctx, operator('user disable'), target.id, { disabled: true });
        console.log(`disabled ${target.email}`);
      });
    });
  user
    .command('enable <email>')
    .description('enable a disabled account')
    .action(async (email: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        const target = await findUserByEmail(ctx, email);
        await updateUser(ctx, operator('user enable'), target.id, { disabled: false });
        console.log(`enabled ${target.email}`);
      });
    });

  const apikey = program.command('apikey').description('API keys');
  apikey
    .command('create')
    .description('create an API key for a user; the key is printed alone on the last line')
    .requiredOption('--user <email>')
    .addOption(new Option('--role <role>', "role of the key (default: the user's)").choices(ROLES))
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--expires <iso-date>', 'expiry time (ISO 8601)')
    .action(async (o: { user: string; role?: Role; name: string; expires?: string }, command: Command) => {
      await withApp(command, async (ctx) => {
        const target = await findUserByEmail(ctx, o.user);
        const { apiKey, key } = await createApiKey(ctx, operator('apikey create'), target.id, {
          name: o.name,
          ...(o.role ? { role: o.role } : {}),
          ...(o.expires ? { expiresAt: o.expires } : {}),
        });
        console.log(`created API key ${apiKey.id} (${apiKey.prefix}…, role ${apiKey.role}) for ${target.email}`);
        console.log(key);
      });
    });
  apikey
    .command('revoke <id>')
    .description('revoke an API key by id')
    .action(async (id: string, _o: unknown, command: Command) => {
      await withApp(command, async (ctx) => {
        await revokeApiKey(ctx, operator('apikey revoke'), id);
        console.log(`revoked ${id}`);
      });
    });
}
