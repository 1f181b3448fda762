// Generated from README.md line 271 by test/readme/extract-snippets.mjs: edit the README.
import { Args, Field, Int, Mutation, ObjectType, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Session } from 'nest-sessions';

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
    await session.login(user); // the new id goes out as the cookie on this response
    return true;
  }

  @ResolveField(() => Boolean)
  signedIn(@Session() session: Session): boolean {
    return session.userId !== undefined; // the same session object as the query's
  }
}
