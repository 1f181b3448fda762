import {
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Module,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WsException,
} from '@nestjs/websockets';
import {
  Session,
  SessionManager,
  SessionModule,
  type SessionModuleOptions,
  type SessionWriter,
} from '../../lib';
import type { AdapterName } from './session-test-app';

export type Transport = 'socket.io' | 'ws';
export const TRANSPORTS: Transport[] = ['socket.io', 'ws'];

interface Counter {
  n: number;
  note: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What a real handler does between reading and writing: await some I/O (here 0-4 ms). */
const someIo = () => sleep(Math.floor(Math.random() * 5));

/** Messages carry a request id (`rid`) so a ws client can match answers to concurrent messages. */
type Message = { rid?: number } | undefined;
/** socket.io answers through the ack (a plain value); ws sends `{ event, data }` back. */
const answer = (client: object, event: string, body: Message, data: object) =>
  'nsp' in client ? data : { event, data: { ...data, rid: body?.rid } };

/** Refuses messages of a connection whose handshake has no logged-in session. */
@Injectable()
export class LoggedInSocketGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.forRequest(context.switchToWs().getClient());
    if (session.userId === undefined) throw new WsException('login required');
    return true;
  }
}

@WebSocketGateway()
class CounterGateway {
  @SubscribeMessage('incr')
  async incr(
    @Session() session: Session<Counter>,
    @MessageBody() body: Message,
    @ConnectedSocket() client: object,
  ) {
    await someIo();
    return answer(client, 'incr', body, { n: session.increment('n') });
  }

  /** Writes without reading: `@Session({ load: false })`. */
  @SubscribeMessage('bump')
  bump(
    @Session({ load: false }) session: SessionWriter<Counter>,
    @MessageBody() body: Message,
    @ConnectedSocket() client: object,
  ) {
    session.increment('n');
    return answer(client, 'bump', body, { ok: true });
  }

  @SubscribeMessage('read')
  read(
    @Session() session: Session<Counter>,
    @MessageBody() body: Message,
    @ConnectedSocket() client: object,
  ) {
    return answer(client, 'read', body, {
      isNew: session.isNew,
      userId: session.userId ?? null,
      data: session.all(),
    });
  }

  /** Writes, even without a session: that must fail clearly. */
  @SubscribeMessage('note')
  note(
    @Session() session: Session<Counter>,
    @MessageBody() body: Message & { note?: string },
    @ConnectedSocket() client: object,
  ) {
    session.set('note', body?.note ?? 'x');
    return answer(client, 'note', body, { ok: true });
  }

  /** Ends the session from the socket itself. */
  @SubscribeMessage('logout')
  async logout(
    @Session() session: Session<Counter>,
    @MessageBody() body: Message,
    @ConnectedSocket() client: object,
  ) {
    await session.logout();
    return answer(client, 'logout', body, { ok: true });
  }

  @UseGuards(LoggedInSocketGuard)
  @SubscribeMessage('secret')
  secret(
    @Session() session: Session<Counter>,
    @MessageBody() body: Message,
    @ConnectedSocket() client: object,
  ) {
    return answer(client, 'secret', body, { userId: session.userId });
  }
}

/** Refuses handshakes without a logged-in session (gateway options per transport, see below). */
@Injectable()
class MembersGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(private readonly sessions: SessionManager) {}

  /** socket.io: a middleware refuses the handshake itself (the client gets `connect_error`). */
  afterInit(server: { use?: (fn: (socket: object, next: (err?: Error) => void) => void) => void }) {
    server.use?.((socket, next) => {
      this.sessions.forRequest(socket).then(
        (session) => next(session.userId ? undefined : new Error('login required')),
        () => next(new Error('session store unavailable')),
      );
    });
  }

  /** ws has no middleware: the connection is closed as it opens. */
  async handleConnection(client: { close?: (code: number, reason: string) => void }) {
    if (typeof client.close !== 'function') return; // socket.io: the middleware decided
    const session = await this.sessions.forRequest(client);
    if (!session.userId) client.close(4401, 'login required');
  }

  @SubscribeMessage('hello')
  hello(@Session() session: Session, @MessageBody() body: Message, @ConnectedSocket() client: object) {
    return answer(client, 'hello', body, { userId: session.userId });
  }
}

@Controller()
class HttpController {
  constructor(private readonly sessions: SessionManager) {}

  @Post('login/:user')
  async login(@Session() session: Session, @Param('user') user: string) {
    await session.login(user);
    return { id: session.id };
  }

  @Post('incr')
  incr(@Session() session: Session<Counter>) {
    return { n: session.increment('n') };
  }

  @Get('read')
  read(@Session() session: Session<Counter>) {
    return { isNew: session.isNew, data: session.all() };
  }

  @Post('logout-everywhere')
  async logoutEverywhere(@Session() session: Session) {
    return { ended: await this.sessions.destroyByUser(session.userId!) };
  }

  @Post('logout')
  async logout(@Session() session: Session) {
    await session.logout();
    return { ok: true };
  }
}

/** An app with the gateways above on `transport`, listening on a free loopback port. */
export async function createWebSocketTestApp(
  adapter: AdapterName,
  transport: Transport,
  options: SessionModuleOptions = {},
): Promise<{ app: INestApplication; url: string }> {
  // socket.io: a namespace on the default server; ws has no namespaces: a path of its own.
  @WebSocketGateway(transport === 'ws' ? { path: '/members' } : { namespace: 'members' })
  class Members extends MembersGateway {}
  @Module({
    imports: [SessionModule.forRoot(options)],
    controllers: [HttpController],
    providers: [CounterGateway, Members, LoggedInSocketGuard],
  })
  class WebSocketTestModule {}
  const app = await NestFactory.create(
    WebSocketTestModule,
    adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false, abortOnError: false },
  );
  app.useWebSocketAdapter(transport === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}
