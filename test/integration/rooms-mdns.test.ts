// Three conclave processes find each other by mDNS alone — the invite ticket carries no address
// and nobody is given --bootstrap — inside a private network namespace, join and talk.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { namespaceFlags, runDriver } from '../helpers/netns.js'

const NETNS_SETUP = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo'

it('three members discover each other by mDNS alone and exchange messages', { timeout: 120_000 }, async (t) => {
  const ns = namespaceFlags(NETNS_SETUP)
  if ('reason' in ns) { t.skip(ns.reason); return }
  const { code, result, stderr } = await runDriver(ns.flags, NETNS_SETUP, 'test/fixtures/rooms-mdns-driver.ts')
  assert.equal(result.ok, true, `driver: ${JSON.stringify(result)} (exit ${String(code)}) ${stderr.slice(-1000)}`)
  assert.equal(result.ticketHadAddresses, false, 'the ticket carried no address: joins found the admin by mDNS')
  assert.deepEqual(result.b, ['mdns hello from alice'])
  assert.deepEqual(result.a, ['mdns hello from bob'])
})
