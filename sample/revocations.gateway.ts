import type { OnGatewayConnection } from '@nestjs/websockets';
import { WebSocketGateway } from '@nestjs/websockets';
import { SessionManager } from 'nest-sessions';
import type { Socket } from 'socket.io';

/**
 * The live "signed out" notice: every signed-in page opens a socket.io connection. Its session is
 * read here, which makes the module watch the socket; with `disconnectOnEnd: true` the module
 * disconnects it as soon as the session ends on this instance (signed out from another device,
 * "sign out everywhere else", Grace signing in elsewhere), and the page shows the notice. A socket
 * with no signed-in session is disconnected at once (the page was already signed out).
 */
@WebSocketGateway()
export class RevocationsGateway implements OnGatewayConnection {
  constructor(private readonly sessions: SessionManager) {}

  async handleConnection(client: Socket): Promise<void> {
    const session = await this.sessions.forRequest(client);
    if (session.userId === undefined) client.disconnect(true);
  }
}
