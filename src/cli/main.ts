// The `kite` command: one file per subcommand, wired here.
import { Command } from 'commander';
import { registerServerCommand } from './server.js';
import { registerSimNodesCommand } from './sim-nodes.js';
import { registerImageCommands } from './image.js';
import { registerUpCommand } from './up.js';
import { registerAgentCommand } from './agent.js';
import { registerDownCommand } from './down.js';
import { registerTokenCommand } from './token.js';

const program = new Command();
program.name('kite').description('A Kubernetes-compatible container orchestrator').version('0.1.0');
registerServerCommand(program);
registerSimNodesCommand(program);
registerImageCommands(program);
registerAgentCommand(program);
registerUpCommand(program);
registerDownCommand(program);
registerTokenCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
