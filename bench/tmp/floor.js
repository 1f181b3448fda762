// Ad-hoc: the cost of Nest's interceptor pipeline alone. node floor.js <bare|noop> 
require('reflect-metadata');
const { Controller, Get, Module, UseInterceptors, Injectable, createParamDecorator } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { ExpressAdapter } = require('@nestjs/platform-express');
const [mode, adapter = 'fastify'] = process.argv.slice(2);
class Noop { intercept(_c, next) { return next.handle(); } }
Reflect.decorate([Injectable()], Noop);
const Param = createParamDecorator((_d, ctx) => ctx.switchToHttp().getRequest().headers.cookie);
class C { read(p) { return { n: 1 }; } }
const decorators = [Get('read')];
if (mode === 'noop') decorators.push(UseInterceptors(Noop));
if (mode === 'param') Param()(C.prototype, 'read', 0);
Reflect.decorate(decorators, C.prototype, 'read', Object.getOwnPropertyDescriptor(C.prototype, 'read'));
Reflect.decorate([Controller()], C);
class M {}
Reflect.decorate([Module({ controllers: [C], providers: [Noop] })], M);
(async () => {
  const app = await NestFactory.create(M, adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  console.log(`listening on http://127.0.0.1:${app.getHttpServer().address().port}`);
  process.once('SIGTERM', () => process.exit(0));
})();
