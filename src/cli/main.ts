// The `kite` command: one file per subcommand, wired here.
import { Command } from 'commander';

type Register = (program: Command) => void;

// Each subcommand's module, loaded only when needed: `kite server` must not carry the agent's gRPC
// client, the image importer's progress bars or sim-nodes' bulkheads in its memory. Help, --version
// and unknown commands load them all, so commander still lists and checks every command.
const commands: Record<string, () => Promise<Register>> = {
  server: async () => (await import('./server.js')).registerServerCommand,
  'sim-nodes': async () => (await import('./sim-nodes.js')).registerSimNodesCommand,
  image: async () => (await import('./image.js')).registerImageCommands,
  agent: async () => (await import('./agent.js')).registerAgentCommand,
  up: async () => (await import('./up.js')).registerUpCommand,
  down: async () => (await import('./down.js')).registerDownCommand,
  token: async () => (await import('./token.js')).registerTokenCommand,
};

const program = new Command();
program.name('kite').description('A Kubernetes-compatible container orchestrator').version('0.1.0');
const invoked = commands[process.argv[2] ?? ''];
for (const load of invoked ? [invoked] : Object.values(commands)) (await load())(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
