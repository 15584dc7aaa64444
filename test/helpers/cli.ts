// Test helpers: run the built dist/conclave (or the CLI in-process) against a throw-away home dir.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../src/cli/app.js'
import type { CliIo } from '../../src/cli/io.js'
import type { CliDeps } from '../../src/cli/command.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BINARY = join(ROOT, 'dist', 'conclave')

export interface RunResult { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir (prefix = 'conclave-test-'): { dir: string, cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Runs the built binary with a minimal environment (like `env -i PATH=/usr/bin:/bin`) plus ENV.
 * No NODE_* variables leak in, so the binary must stand alone.
 */
export async function runBinary (args: string[], options: { env?: Record<string, string>, cwd?: string, input?: string | Uint8Array, timeoutMs?: number } = {}): Promise<RunResult> {
  const child = spawn(BINARY, args, {
    cwd: options.cwd ?? tmpdir(),
    env: { PATH: '/usr/bin:/bin', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  child.stdin.on('error', () => {})
  child.stdin.end(options.input ?? '')
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve => child.on('close', (c, s) => resolve([c, s])))
  clearTimeout(timer)
  return { code, signal, stdout, stderr }
}

/** Runs the CLI in-process with buffered stdin/stdout/stderr (fast; no binary needed). */
export async function runInProcess (args: string[], options: { env?: Record<string, string>, input?: string, deps?: CliDeps } = {}): Promise<RunResult> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const stdin = new PassThrough()
  stdin.end(options.input ?? '')
  let out = ''
  let err = ''
  stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
  stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
  const io: CliIo = { stdin, stdout, stderr, env: { ...options.env }, stdinIsTTY: false, stderrIsTTY: false }
  const code = await runCli(args, io, options.deps)
  await new Promise(resolve => setImmediate(resolve))
  return { code, signal: null, stdout: out, stderr: err }
}
