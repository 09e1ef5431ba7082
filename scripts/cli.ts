import { main } from "./cli/index";

/*
 * Entry point of `npm run cli -- <command> [options]` (tsx scripts/cli.ts): the dispatcher, the
 * commands and the error handler live in scripts/cli/ (index.ts, one file per command).
 */

export { CliError } from "./cli-errors";
export { COMMANDS, main } from "./cli/index";

const isEntry = process.argv[1] && /scripts[\\/]cli\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2), {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
