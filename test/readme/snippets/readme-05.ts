// Generated from README.md line 134 by test/readme/extract-snippets.mjs: edit the README.
import { Controller, Get, Post, Body } from '@nestjs/common';
import { Session } from 'nest-sessions'; // not the Session of @nestjs/common

interface Cart {
  userName?: string;
  visits: number;
  items: string[];
}

@Controller()
export class CartController {
  @Get('visit')
  visit(@Session() session: Session<Cart>) {
    const n = session.increment('visits'); // typed: only numeric keys
    return { n, id: session.id };
  }

  @Post('items')
  add(@Session() session: Session<Cart>, @Body('item') item: string) {
    session.set('items', [...(session.get('items') ?? []), item]);
    return session.all();
  }
}
