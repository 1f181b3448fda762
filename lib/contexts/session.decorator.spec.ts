import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { NestFactory } from '@nestjs/core';
import { ExternalContextCreator } from '@nestjs/core/helpers/external-context-creator';
import type { NestContainer } from '@nestjs/core/injector/container';
import { describe, expect, it } from 'vitest';
import { SessionModule } from '../session.module';
import { Session } from './session.decorator';

/** A message handler as a microservice (or any non-HTTP transport) declares it. */
@Injectable()
class OrdersHandler {
  created(@Session() session: { id: string }): string {
    return session.id;
  }
}

@Module({ imports: [SessionModule.forRoot({})], providers: [OrdersHandler] })
class RpcAppModule {}

describe('@Session() outside HTTP, GraphQL and WebSockets', () => {
  // @nestjs/microservices is not installed: its handlers are built by Nest's external context
  // creator with the 'rpc' type, which is what this does, on a real application context.
  it.each(['rpc', 'kafka-like'])(
    "throws an error naming a '%s' context and what sessions need",
    async (type) => {
      const app = await NestFactory.createApplicationContext(RpcAppModule, { logger: false });
      try {
        const container = (app as unknown as { container: NestContainer }).container;
        const handlers = app.get(OrdersHandler);
        const handler = ExternalContextCreator.fromContainer(container).create(
          handlers,
          OrdersHandler.prototype.created as (...args: unknown[]) => unknown,
          'created',
          ROUTE_ARGS_METADATA,
          // Nest's own parameter kinds (@Payload() and the like) are not used here.
          { exchangeKeyForValue: () => undefined },
          undefined,
          undefined,
          undefined,
          type,
        );
        const failure = await handler({ pattern: 'orders.created' }, {}).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(Error);
        expect((failure as Error).message).toBe(
          `@Session() has no session in a '${type}' context (a microservice or other non-HTTP handler): ` +
            'sessions need an HTTP request or a WebSocket handshake',
        );
        expect((failure as Error).message).not.toMatch(/SessionModule\.forRoot|TypeError/);
      } finally {
        await app.close();
      }
    },
  );
});
