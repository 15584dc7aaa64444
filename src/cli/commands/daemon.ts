// `conclave daemon`: one long-running node joined to all rooms, serving the local HTTP API on a
// Unix socket (0600) in the home dir; send, listen and status use it automatically.
import { join } from 'node:path'
import { ConclaveError, UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { untilSignal } from '../signals.js'

export const daemonCommand = defineCommand({
  command: 'daemon',
  describe: 'run the node in the foreground, joined to all rooms, serving a local control socket',
  builder: y => y
    .option('http', { type: 'string', describe: 'also serve the API on HOST:PORT (loopback unless you name another address, which then needs --token)' })
    .option('token', { type: 'string', describe: 'bearer token required on --http (use CONCLAVE_TOKEN to keep it off the command line)' })
    .example('$0 daemon', 'then `conclave send ops hi` goes through it in a few milliseconds')
    .example('CONCLAVE_TOKEN=… $0 daemon --http 0.0.0.0:8080', 'the API on the network, for clients sending "Authorization: Bearer …"')
    .example('curl --unix-socket ~/.local/share/conclave/conclave.sock -d "disk full" http://localhost/ops', 'publish with curl (headers Title, Priority, Tags)'),
  async run (ctx, args: { http?: string, token?: string }) {
    const http = args.http === undefined ? undefined : parseHostPort(args.http)
    const { daemonClient } = await import('../daemon-client.js')
    const running = await daemonClient(ctx)
    running?.close()
    if (running !== undefined) throw new ConclaveError(`a daemon is already running for ${ctx.globals.home}`, { hint: "stop it first, or use 'conclave status'" })
    const { withSession } = await import('../node.js')
    const { DaemonApi, SOCKET_FILE } = await import('../daemon-api.js')
    const { statusInfo } = await import('../status-info.js')
    await withSession(ctx, { network: true, longRunning: true }, async ({ service, transport }) => {
      await service.start()
      const socketPath = join(ctx.globals.home, SOCKET_FILE)
      const api = new DaemonApi({ service, status: async () => statusInfo(service, transport!, true) as unknown as Record<string, unknown>, warn: m => { ctx.out.warn(m) } }, { socketPath })
      await api.listen()
      if (http !== undefined) {
        const where = await api.listenHttp(http.host, http.port, args.token)
        ctx.out.info(`conclave: HTTP API on http://${where}${args.token !== undefined ? ' (bearer token required)' : ''}`)
      }
      ctx.out.info(`conclave: daemon for ${service.identity.name} on ${socketPath} (${service.rooms().length} room(s)); peer ${transport!.peerId}`)
      const signal = await untilSignal()
      ctx.out.info(`conclave: ${signal}: leaving`)
      await api.close()
    })
  }
})

function parseHostPort (text: string): { host: string, port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text)
  const port = Number(m?.[3])
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--http expects HOST:PORT, e.g. 127.0.0.1:8080, got '${text}'`)
  return { host: m[1] ?? m[2]!, port }
}
