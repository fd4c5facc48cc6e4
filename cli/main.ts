/**
 * The `cris-audit` command line: the same core the Lambdas run, on a laptop, without deploying.
 */
import { ANALYZE_USAGE } from './analyze.js';

const USAGE = `usage: cris-audit <command> [options]

Commands:
  analyze PATH...   explain every denied Bedrock call in CloudTrail files or directories
  explain [TEXT|-]  explain one pasted error message (SDK error, log line, JSON body)
  replay --from T   re-audit CloudTrail history in your account (LookupEvents, your AWS credentials)
  digest PATH...    render the daily digest email from local CloudTrail files, for preview
  preflight         before anyone is denied: which accounts/OUs a CRIS profile would break, and the fix
  org snapshot      read the organization tree and its SCPs once (your credentials) into a file
  demo              run the product on the bundled samples (what \`npm start\` does)

Run \`cris-audit <command> --help\` for a command's options.

${ANALYZE_USAGE}`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'analyze':
      return (await import('./analyze.js')).runAnalyze(rest);
    case 'explain':
      return (await import('./explain.js')).runExplain(rest);
    case 'replay':
      return (await import('./replay.js')).runReplay(rest);
    case 'digest':
      return (await import('./digest.js')).runDigest(rest);
    case 'preflight':
      return (await import('./preflight.js')).runPreflightCommand(rest);
    case 'org':
      return (await import('./org.js')).runOrg(rest);
    case 'demo':
      return (await import('./demo.js')).runDemo(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 64 : 0;
    default:
      process.stderr.write(`cris-audit: unknown command "${command}"\n\n${USAGE}\n`);
      return 64;
  }
}
