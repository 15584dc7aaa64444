// Three conclave processes find each other by mDNS alone — the invite ticket carries no address
// and nobody is given --bootstrap — inside a private network namespace, join and talk.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { it } from 'node:test'
import { ROOT } from '../helpers/cli.js'

const NETNS_SETUP = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo'

function namespaceFlags (): { flags: string[] } | { reason: string } {
  const flags = process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user']
  const probe = spawnSync('unshare', [...flags, '--', 'sh', '-c', NETNS_SETUP], { encoding: 'utf8' })
  if (probe.error !== undefined) return { reason: `unshare unavailable: ${probe.error.message}` }
  if (probe.status !== 0) return { reason: `unshare -n not permitted here: ${probe.stderr.trim()}` }
  return { flags }
}

it('three members discover each other by mDNS alone and exchange messages', { timeout: 120_000 }, async (t) => {
  const ns = namespaceFlags()
  if ('reason' in ns) { t.skip(ns.reason); return }
  const env = { ...process.env }
  delete env.NODE_EXTRA_CA_CERTS
  const child = spawn('unshare', [...ns.flags, '--', 'sh', '-c', `${NETNS_SETUP} && exec node --import tsx test/fixtures/rooms-mdns-driver.ts`], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
  assert.equal(result.ok, true, `driver: ${JSON.stringify(result)} (exit ${String(code)}) ${stderr.slice(-1000)}`)
  assert.equal(result.ticketHadAddresses, false, 'the ticket carried no address: joins found the admin by mDNS')
  assert.deepEqual(result.b, ['mdns hello from alice'])
  assert.deepEqual(result.a, ['mdns hello from bob'])
})
