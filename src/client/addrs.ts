// Which addresses an invite ticket carries when no node of ours is running to ask.

/** Addresses a joiner can dial: explicit listen addresses, else the ones our node had last time. */
export function inviteAddrs (listen: string[], known: string | undefined, peerId: string): string[] {
  const explicit = listen.filter(a => !/\/tcp\/0$/.test(a) && !/^\/ip[46]\/(0\.0\.0\.0|::)\//.test(a))
  if (explicit.length > 0) return explicit.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`)
  if (known === undefined) return []
  try {
    return (JSON.parse(known) as string[]).filter(a => typeof a === 'string')
  } catch {
    return []
  }
}
