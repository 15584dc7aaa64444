// Tests that need a private network namespace (mDNS, a shaped loopback): probe for one, then run
// a driver script inside it that prints one JSON line with its outcome.
import { spawn, spawnSync } from 'node:child_process'
import { ROOT } from './cli.js'

/** unshare flags that give a private network namespace after SETUP ran in it, or why not. */
export function namespaceFlags (setup: string): { flags: string[] } | { reason: string } {
  const flags = process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user']
  const probe = spawnSync('unshare', [...flags, '--', 'sh', '-c', setup], { encoding: 'utf8' })
  if (probe.error !== undefined) return { reason: `unshare unavailable: ${probe.error.message}` }
  if (probe.status !== 0) return { reason: `no private network namespace set up by '${setup}' here: ${probe.stderr.trim()}` }
  return { flags }
}

/** Runs `node --import tsx DRIVER` inside a fresh namespace after SETUP; its last stdout line, parsed. */
export async function runDriver (flags: string[], setup: string, driver: string): Promise<{ code: number | null, result: Record<string, any>, stderr: string }> {
  const env = { ...process.env }
  delete env.NODE_EXTRA_CA_CERTS
  const child = spawn('unshare', [...flags, '--', 'sh', '-c', `${setup} && exec node --import tsx ${driver}`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  let result: Record<string, any> = {}
  try { result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') } catch {}
  return { code, result, stderr }
}
