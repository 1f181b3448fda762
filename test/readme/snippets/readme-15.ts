// Generated from README.md line 549 by test/readme/extract-snippets.mjs: edit the README.
import { CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
} from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { Session, SessionManager } from 'nest-sessions';

/** Refuses messages of connections without a logged-in session. */
@Injectable()
export class LoggedInSocketGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Pass the client (socket.io Socket or ws WebSocket): its handshake's session, loaded now.
    const session = await this.sessions.forRequest(context.switchToWs().getClient());
    if (session.userId === undefined) throw new WsException('login required');
    return true;
  }
}

@WebSocketGateway()
export class CounterGateway implements OnGatewayInit {
  constructor(private readonly sessions: SessionManager) {}

  /** socket.io: refuse the handshake itself (the client gets `connect_error`). */
  afterInit(server: Server) {
    server.use((socket, next) => {
      this.sessions.forRequest(socket).then(
        (session) => next(session.userId ? undefined : new Error('login required')),
        () => next(new Error('try again later')),
      );
    });
  }

  @UseGuards(LoggedInSocketGuard)
  @SubscribeMessage('count')
  count(@Session() session: Session<{ count: number }>) {
    return { count: session.increment('count') }; // saved before the ack
  }
}

/** ws has no handshake middleware: close the connection as it opens. */
@WebSocketGateway({ path: '/live' })
export class LiveGateway implements OnGatewayConnection {
  constructor(private readonly sessions: SessionManager) {}

  async handleConnection(client: { close(code: number, reason: string): void }) {
    const session = await this.sessions.forRequest(client);
    if (!session.userId) client.close(4401, 'login required');
  }
}
