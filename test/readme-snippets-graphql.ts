// The README's GraphQL snippets, type-checked by `npm test` (tsc) so the README stays true. Never run.
import { Module } from '@nestjs/common';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import {
  Args,
  Field,
  GraphQLModule,
  Int,
  Mutation,
  ObjectType,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { Session, SessionModule } from '../lib';

interface CartData {
  items: string[];
  added: number;
}

@ObjectType()
export class Cart {
  @Field(() => [String])
  items!: string[];
}

@Resolver(() => Cart)
export class CartResolver {
  @Query(() => Cart)
  cart(@Session() session: Session<CartData>): Cart {
    return { items: session.get('items') ?? [] };
  }

  @Mutation(() => Int)
  addItem(@Session() session: Session<CartData>, @Args('item') item: string): number {
    session.set('items', [...(session.get('items') ?? []), item]);
    return session.increment('added');
  }

  @Mutation(() => Boolean)
  async login(@Session() session: Session, @Args('user') user: string): Promise<boolean> {
    await session.login(user);
    return true;
  }

  @ResolveField(() => Boolean)
  signedIn(@Session() session: Session): boolean {
    return session.userId !== undefined;
  }
}

@Module({
  imports: [
    SessionModule.forRoot({ secret: 'a-long-random-secret' }),
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true,
      context: ({ req, res }: { req: object; res: object }) => ({ req, res, tenant: 'acme' }),
    }),
  ],
  providers: [CartResolver],
})
export class ApolloAppModule {}

@Module({
  imports: [
    SessionModule.forRoot({ secret: 'a-long-random-secret' }),
    GraphQLModule.forRoot<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      autoSchemaFile: true,
      context: (request: object, reply: object) => ({ req: request, reply }),
    }),
  ],
  providers: [CartResolver],
})
export class MercuriusAppModule {}
