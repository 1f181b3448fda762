import { createRequire } from 'node:module';
import { CanActivate, ExecutionContext, Injectable, Module, UseGuards } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import {
  Args,
  Context,
  Field,
  GqlExecutionContext,
  GraphQLModule,
  Int,
  Mutation,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { MercuriusDriver } from '@nestjs/mercurius';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Session, SessionManager, SessionModule } from '../../lib';
import type { SessionModuleOptions, SessionWriter } from '../../lib';

/** Apollo on the Express adapter, Mercurius on Fastify: the two pairings Nest documents. */
export type GraphqlDriverName = 'apollo' | 'mercurius';
export const GRAPHQL_DRIVERS: GraphqlDriverName[] = ['apollo', 'mercurius'];

interface Counters {
  n: number;
  hits: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What a real resolver does between reading and writing: await some I/O (here 0-4 ms). */
const someIo = () => sleep(Math.floor(Math.random() * 5));

/** Counts a hit in a guard, through `SessionManager`, before the resolver's own `@Session()`. */
@Injectable()
class HitCountingGuard implements CanActivate {
  constructor(private readonly sessions: SessionManager) {}
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req } = GqlExecutionContext.create(context).getContext<{ req: object }>();
    const session = await this.sessions.forRequest<Counters>(req);
    session.increment('hits');
    return true;
  }
}

@ObjectType()
class Visit {
  /** `hits` after the guard's and the query resolver's increments. */
  @Field(() => Int)
  first!: number;

  @Field(() => String)
  sessionId!: string;
}

@Resolver(() => Visit)
class CounterResolver {
  constructor(private readonly sessions: SessionManager) {}

  @Query(() => Int)
  counter(@Session() session: Session<Counters>): number {
    return session.get('n') ?? 0;
  }

  @Mutation(() => Int)
  async increment(@Session() session: Session<Counters>): Promise<number> {
    await someIo();
    return session.increment('n');
  }

  /** Writes without reading: `@Session({ load: false })`. */
  @Mutation(() => Boolean)
  bump(@Session({ load: false }) session: SessionWriter<Counters>): boolean {
    session.increment('n');
    return true;
  }

  @Mutation(() => String, { nullable: true })
  async login(@Session() session: Session, @Args('user') user: string): Promise<string | undefined> {
    await session.login(user);
    return session.userId;
  }

  @Query(() => String, { nullable: true })
  me(@Session() session: Session): string | undefined {
    return session.userId;
  }

  @Mutation(() => Boolean)
  async logout(@Session() session: Session): Promise<boolean> {
    await session.logout();
    return true;
  }

  /** The guard, the query resolver and a field resolver each count a hit on what should be one session. */
  @Query(() => Visit)
  @UseGuards(HitCountingGuard)
  visit(@Session() session: Session<Counters>): Visit {
    return { first: session.increment('hits'), sessionId: session.id };
  }

  @ResolveField(() => Int)
  async second(@Session() session: Session<Counters>, @Parent() _visit: Visit): Promise<number> {
    await someIo();
    return session.increment('hits');
  }

  /** Through the manager, as a service would: the same object `@Session()` gives. */
  @ResolveField(() => Boolean)
  async sameAsManager(@Session() session: Session, @Context('req') req: object): Promise<boolean> {
    return (await this.sessions.forRequest(req)) === session;
  }

  @Query(() => Int)
  hits(@Session() session: Session<Counters>): number {
    return session.get('hits') ?? 0;
  }
}

export interface GraphqlAppOptions {
  sessions?: SessionModuleOptions;
  /** Replaces the driver's default GraphQL context. */
  context?: unknown;
  /** Apollo only: error responses as in production (no stack traces). */
  production?: boolean;
}

/** Builds and starts a Nest app serving the counter schema at /graphql with the given driver. */
export async function createGraphqlTestApp(
  driver: GraphqlDriverName,
  { sessions = {}, context, production = false }: GraphqlAppOptions = {},
): Promise<INestApplication> {
  const graphql =
    driver === 'apollo'
      ? GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          allowBatchedHttpRequests: true,
          includeStacktraceInErrorResponses: !production,
          ...(context === undefined ? {} : { context }),
        })
      : GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          allowBatchedQueries: true,
          ...(context === undefined ? {} : { context: context as MercuriusDriverConfig['context'] }),
        });
  @Module({
    imports: [SessionModule.forRoot(sessions), graphql],
    providers: [CounterResolver, HitCountingGuard],
  })
  class GraphqlAppModule {}
  const app = await NestFactory.create(
    GraphqlAppModule,
    driver === 'apollo' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false, abortOnError: false },
  );
  await app.init();
  if (driver === 'mercurius') await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * Fails with the fix when the driver cannot start: `@nestjs/apollo` on Apollo Server 5 (14, and 13
 * from 13.2) serves Express through `@as-integrations/express5` and exits the whole process when it
 * is missing, so the tests check first.
 */
export function assertDriverInstalled(driver: GraphqlDriverName): void {
  if (driver !== 'apollo') return;
  const fromApollo = createRequire(createRequire(__filename).resolve('@nestjs/apollo/package.json'));
  const manifest = JSON.stringify(fromApollo('./package.json'));
  if (!manifest.includes('@as-integrations/express5')) return;
  try {
    fromApollo.resolve('@as-integrations/express5');
  } catch {
    throw new Error(
      '@nestjs/apollo on Express needs @as-integrations/express5: npm i -D @as-integrations/express5',
    );
  }
}
