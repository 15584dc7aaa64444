// Process entry point: the only process.exit. Runs the CLI and maps the result to an exit code.
import './polyfill.js'
import { runCli } from './cli/app.js'
import { processIo } from './cli/io.js'

async function main (): Promise<void> {
  const code = await runCli(process.argv.slice(2), processIo())
  // Let stdout drain (pipes are async) before exiting with the code.
  process.exitCode = code
  if (process.stdout.writableNeedDrain) await new Promise(resolve => process.stdout.once('drain', resolve))
  process.exit(code)
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // A closed pipe (`conclave history ops | head`) is not an error worth a trace.
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw err
})

void main()
