import type { HttpRequestLike } from '../../http/http-exchange';
import type { SocketClient } from './socket-client';
import { isSocketIoClient } from './socket-client';

/**
 * Handshake requests of `ws` clients. A `ws` WebSocket does not keep the upgrade request it was
 * made from (only the server's 'connection' listeners see it, and the gateway's server is not
 * ours to listen on), but it keeps the TCP socket the request came in on. So the app's HTTP
 * server's 'upgrade' requests are remembered by their TCP socket, and a client's request is found
 * through its socket. Weak: an entry goes with its connection.
 */
const upgradeRequests = new WeakMap<object, HttpRequestLike>();

interface UpgradeServer {
  prependListener(event: 'upgrade', listener: (req: HttpRequestLike & { socket: object }) => void): unknown;
  off(event: 'upgrade', listener: (req: HttpRequestLike & { socket: object }) => void): unknown;
  listenerCount(event: string): number;
}

function isUpgradeServer(server: unknown): server is UpgradeServer {
  const s = server as Partial<UpgradeServer> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.prependListener === 'function' &&
    typeof s.off === 'function' &&
    typeof s.listenerCount === 'function'
  );
}

/**
 * Remembers the upgrade requests `server` receives, when it serves WebSockets at all (something
 * already listens for upgrades: a gateway's adapter); an app without gateways keeps Node's own
 * handling of upgrades. Returns the undo, or undefined when nothing was added.
 */
export function captureUpgradeRequests(server: unknown): (() => void) | undefined {
  if (!isUpgradeServer(server) || server.listenerCount('upgrade') === 0) return undefined;
  // First in the 'upgrade' dispatch: `ws` may complete the upgrade and call the gateway's
  // handleConnection synchronously in the adapter's listener, which may already ask for the session.
  const remember = (req: HttpRequestLike & { socket: object }) => upgradeRequests.set(req.socket, req);
  server.prependListener('upgrade', remember);
  return () => server.off('upgrade', remember);
}

/**
 * The request a client connected with: socket.io's `client.request`, or for `ws` the remembered
 * upgrade request (or `upgradeReq` of ws < 3). Undefined for a `ws` client of a server that is
 * not the app's (a gateway on a port of its own).
 */
export function handshakeOf(client: SocketClient): HttpRequestLike | undefined {
  if (isSocketIoClient(client)) return client.request;
  if (client.upgradeReq) return client.upgradeReq;
  const socket = client._socket;
  return socket === undefined ? undefined : upgradeRequests.get(socket);
}
