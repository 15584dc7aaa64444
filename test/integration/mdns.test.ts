// Three processes find each other by mDNS alone (no dial, no bootstrap) inside a private network namespace, then gossip.
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { it } from 'node:test'
import assert from 'node:assert/strict'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = 'test/fixtures/transport-mdns-peer.ts'
const TOPIC = 'mdns-trio'

/** `unshare` flags that give us a network namespace here, or undefined with the reason it cannot. */
function namespaceFlags (): { flags: string[] } | { reason: string } {
  const flags = process.getuid?.() === 0 ? ['--net'] : ['--net', '--map-root-user']
  const probe = spawnSync('unshare', [...flags, '--', 'sh', '-c', 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo'], { encoding: 'utf8' })
  if (probe.error !== undefined) return { reason: `unshare unavailable: ${probe.error.message}` }
  if (probe.status !== 0) return { reason: `unshare -n not permitted here: ${probe.stderr.trim()}` }
  return { flags }
}

interface Line { name: string, event: string, [k: string]: unknown }

it('three processes discover each other by mDNS alone and exchange a gossip message', { timeout: 60_000 }, async (t) => {
  const ns = namespaceFlags()
  if ('reason' in ns) {
    t.skip(ns.reason)
    return
  }
  const env = { ...process.env }
  delete env.NODE_EXTRA_CA_CERTS // ~130 ms per start, nothing to verify here
  const peer = (name: string, send: 0 | 1): string => `node --import tsx ${FIXTURE} ${name} ${TOPIC} 2 ${send} &`
  // All three in ONE namespace whose only interface is loopback (with multicast routed to it),
  // so mDNS never reaches a real network.
  const script = [
    'ip link set lo up', 'ip link set lo multicast on', 'ip route add 224.0.0.0/4 dev lo',
    `${peer('a', 1)} ${peer('b', 0)} ${peer('c', 0)} wait`
  ].join(' && ')
  const child = spawn('unshare', [...ns.flags, '--', 'sh', '-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: Line[] = []
  let stderr = ''
  let rest = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    rest += chunk
    const parts = rest.split('\n')
    rest = parts.pop() ?? ''
    for (const p of parts) if (p.trim() !== '') lines.push(JSON.parse(p) as Line)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))

  const byName = (name: string, event: string): Line | undefined => lines.find(l => l.name === name && l.event === event)
  assert.equal(lines.find(l => l.event === 'refused'), undefined, 'fixture saw a real interface')
  assert.equal(code, 0, `namespace exited ${String(code)}; lines: ${JSON.stringify(lines)}; stderr: ${stderr.slice(-2000)}`)
  const ids = Object.fromEntries(['a', 'b', 'c'].map(n => [n, byName(n, 'ready')?.peerId as string]))
  for (const n of ['a', 'b', 'c']) {
    const connected = byName(n, 'connected')?.peers as string[] | undefined
    assert.ok(connected !== undefined, `${n} connected`)
    assert.deepEqual(new Set(connected), new Set(Object.entries(ids).filter(([k]) => k !== n).map(([, v]) => v)), `${n} found both others`)
  }
  assert.equal(byName('a', 'sent')?.recipients, 2)
  for (const n of ['b', 'c']) {
    const m = byName(n, 'message')
    assert.equal(m?.text, 'hello from a', `${n} got the message`)
    // a flood-publishes to both; a copy forwarded by the other receiver could only come second
    assert.ok(m?.from === ids.a || m?.from === ids[n === 'b' ? 'c' : 'b'], `${n} got it from a peer of the trio`)
  }
})
