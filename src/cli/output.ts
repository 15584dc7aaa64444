// The CLI's one voice: data lines on stdout; `conclave: error|hint|warning: …` and logs on stderr.
import { ConclaveError } from '../errors.js'
import type { CliIo } from './io.js'

export interface OutputOptions {
  quiet?: boolean
  verbose?: number
  json?: boolean
}

const ANSI = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const
export type Color = keyof typeof ANSI

export class Output {
  readonly json: boolean
  readonly color: boolean
  private readonly io: CliIo
  private readonly quiet: boolean
  /** How many -v were given: 1 diagnostics, 2 per-envelope detail. */
  readonly verbosity: number

  constructor (io: CliIo, options: OutputOptions = {}) {
    this.io = io
    this.json = options.json === true
    this.quiet = options.quiet === true
    this.verbosity = options.verbose ?? 0
    const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== ''
    this.color = io.stderrIsTTY && !noColor
  }

  /** One line of data on stdout. */
  data (line: string): void {
    this.io.stdout.write(line + '\n')
  }

  /** One JSON object per line on stdout. */
  jsonLine (value: unknown): void {
    this.io.stdout.write(JSON.stringify(value) + '\n')
  }

  /** Human status on stderr (suppressed by --quiet). */
  info (message: string): void {
    if (!this.quiet) this.io.stderr.write(message + '\n')
  }

  warn (message: string): void {
    this.io.stderr.write(`${this.paint('conclave: warning:', 'yellow')} ${message}\n`)
  }

  /** Diagnostic log on stderr, shown with -v (level 1) or -vv (level 2). Never pass secrets. */
  debug (message: string, level = 1): void {
    if (this.verbosity >= level) this.io.stderr.write(`${this.paint('conclave:', 'dim')} ${message}\n`)
  }

  /** The error lines of SPEC.md section 2; a stack trace only for unexpected errors with -v. */
  error (err: unknown): void {
    if (err instanceof ConclaveError) {
      this.io.stderr.write(`${this.paint('conclave: error:', 'red')} ${err.message}\n`)
      if (err.hint !== undefined) this.io.stderr.write(`${this.paint('conclave: hint:', 'cyan')} ${err.hint}\n`)
      return
    }
    const message = err instanceof Error ? err.message : String(err)
    this.io.stderr.write(`${this.paint('conclave: error:', 'red')} ${message}\n`)
    if (this.verbosity > 0 && err instanceof Error && err.stack !== undefined) {
      this.io.stderr.write(err.stack + '\n')
    } else {
      this.io.stderr.write(`${this.paint('conclave: hint:', 'cyan')} this is unexpected; run again with -v for details and report it\n`)
    }
  }

  paint (text: string, color: Color): string {
    return this.color ? `\x1b[${ANSI[color]}m${text}\x1b[0m` : text
  }
}
