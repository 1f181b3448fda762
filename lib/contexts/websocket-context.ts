import type { ExecutionContext } from '@nestjs/common';
import { isSocketClient } from './websocket/socket-client';
import { SocketSessions } from './websocket/socket-sessions';

/**
 * The session of a WebSocket message handler (socket.io or ws): the connection's handshake
 * session, loaded fresh for this message and saved after the handler (before its ack).
 */
export function webSocketHandlerSession(context: ExecutionContext): unknown {
  const client = context.switchToWs().getClient<unknown>();
  if (!isSocketClient(client)) {
    throw new Error('@Session() in a gateway needs a socket.io or ws client; this adapter gave neither');
  }
  const sockets = SocketSessions.of(client);
  if (!sockets) {
    throw new Error(
      '@Session() found no session module for this socket: import SessionModule.forRoot() in the app module',
    );
  }
  // A promise here is awaited by Nest before the handler runs.
  return sockets.forClient(client);
}
