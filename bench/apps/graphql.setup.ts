import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Int, Query, Resolver } from '@nestjs/graphql';
import { ExpressAdapter } from '@nestjs/platform-express';
import { MemoryStore, Session, SessionModule } from '../../lib';
import { BareController } from './bare.controller';
import { BENCH_SECRET } from './bench-config';
import { NestSessionsController } from './nest-sessions.controller';

/** The GraphQL read without sessions: the ceiling. */
@Resolver()
class BareReadResolver {
  @Query(() => Int, { nullable: true })
  read(): number {
    return 1;
  }
}

/** The GraphQL read with `@Session()`, as the README shows it. */
@Resolver()
class SessionReadResolver {
  @Query(() => Int, { nullable: true })
  read(@Session() session: Session<Record<string, number>>): number | undefined {
    return session.get('n');
  }
}

/** Apollo on Express as Nest documents it: code-first, schema in memory, no other option. */
const apollo = () =>
  GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true });

// The REST routes stay beside /graphql: the runner's sanity check, warm-up cookie and probe use them.
@Module({ imports: [apollo()], controllers: [BareController], providers: [BareReadResolver] })
class ApolloBareModule {}

/** Made when the setup starts: every bench app imports this file, and only this one needs the store. */
function apolloSessionsModule() {
  @Module({
    imports: [SessionModule.forRoot({ secret: BENCH_SECRET, store: new MemoryStore() }), apollo()],
    controllers: [NestSessionsController],
    providers: [SessionReadResolver],
  })
  class ApolloSessionsModule {}
  return ApolloSessionsModule;
}

/** Apollo (Express) with no session layer. */
export function createApolloBare() {
  return NestFactory.create(ApolloBareModule, new ExpressAdapter(), { logger: false });
}

/** Apollo (Express) with nest-sessions on its default MemoryStore. */
export function createNestSessionsApolloMemory() {
  return NestFactory.create(apolloSessionsModule(), new ExpressAdapter(), { logger: false });
}
