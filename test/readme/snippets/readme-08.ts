// Generated from README.md line 246 by test/readme/extract-snippets.mjs: edit the README.
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { SessionModule } from 'nest-sessions';
import { CartResolver } from './cart.resolver';

@Module({
  imports: [
    SessionModule.forRoot({ secret: 'a-long-random-secret' }),
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true,
      // A context of your own is fine; keep `req` the HTTP request (Nest adds it when absent):
      // context: ({ req, res }) => ({ req, res, tenant: 'acme' }),
    }),
    // Mercurius on Fastify instead:
    // GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true }),
    // (own context: `context: (request, reply) => ({ req: request, reply })`)
  ],
  providers: [CartResolver],
})
export class AppModule {}
