// `sanad`: one program, one subcommand per task. Each command is thin: parse, call a service, print.
import { Command } from 'commander';
import { SANAD_VERSION } from '../features/node/service.ts';
import { registerServe } from './serve.ts';
import { registerNodeCommands } from './node.ts';
import { registerDirectoryCommands } from './directory.ts';
import { registerAuditCommands } from './audit.ts';
import { registerBench } from './bench.ts';
import { registerIntelCommands } from './intel.ts';
import { registerRoutingCommands } from './routing.ts';
import { registerIncidentCommands } from './incidents.ts';
import { registerAdvisoryCommands } from './advisories.ts';
import { registerMispCommands } from './misp.ts';
import { registerStixCommands } from './stix.ts';
import { registerFeedCommands } from './feeds.ts';
import { registerPeerCommands, registerSyncCommands } from './peers.ts';
import { reportError } from './context.ts';

const program = new Command('sanad')
  .description('Sanad: collaboration platform of a consortium of national CERTs')
  .version(SANAD_VERSION)
  .option('--data-dir <dir>', 'data directory (env SANAD_DATA_DIR; default ./data); DATABASE_URL selects PostgreSQL instead of SQLite')
  .showHelpAfterError()
  .configureHelp({ showGlobalOptions: true });

registerServe(program);
registerNodeCommands(program);
registerDirectoryCommands(program);
registerAuditCommands(program);
registerIntelCommands(program);
registerRoutingCommands(program);
registerIncidentCommands(program);
registerAdvisoryCommands(program);
registerMispCommands(program);
registerStixCommands(program);
registerFeedCommands(program);
registerPeerCommands(program);
registerSyncCommands(program);
registerBench(program);

program.parseAsync(process.argv).catch(reportError);
