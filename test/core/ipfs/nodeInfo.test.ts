import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { reachableGateway } from '../../../src/core/ipfs/network/nodeInfo.js'

describe('reachableGateway: which advertised gateway a client can use', () => {
  const loopbackPeer = multiaddr('/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWQRYPNccE2YSDQKKqv7Z1KCcLKi1Q6mtE8mPbd3gypVcq')
  const remotePeer = multiaddr('/ip4/203.0.113.5/tcp/4001/p2p/12D3KooWQRYPNccE2YSDQKKqv7Z1KCcLKi1Q6mtE8mPbd3gypVcq')

  it('a loopback gateway only for a peer dialled over loopback (the same machine)', () => {
    expect(reachableGateway('http://127.0.0.1:8080', loopbackPeer)).toBe('http://127.0.0.1:8080')
    expect(reachableGateway('http://127.0.0.1:8080', remotePeer)).toBeUndefined()
    expect(reachableGateway('http://[::1]:8080', remotePeer)).toBeUndefined()
  })

  it('a wildcard bind becomes the address the peer was dialled on', () => {
    expect(reachableGateway('http://0.0.0.0:8080', remotePeer)).toBe('http://203.0.113.5:8080')
    expect(reachableGateway('http://[::]:8080', multiaddr('/ip6/2001:db8::5/tcp/4001'))).toBe('http://[2001:db8::5]:8080')
  })

  it('a public gateway as advertised; nothing for no gateway or a non-HTTP URL', () => {
    expect(reachableGateway('https://gw.example.org', remotePeer)).toBe('https://gw.example.org')
    expect(reachableGateway(null, remotePeer)).toBeUndefined()
    expect(reachableGateway('file:///etc/passwd', loopbackPeer)).toBeUndefined()
    expect(reachableGateway('not a url', loopbackPeer)).toBeUndefined()
  })
})
