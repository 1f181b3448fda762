import { createHash } from 'node:crypto';
import fastifySecureSession from '@fastify/secure-session';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { CookieStore } from '../../lib';
import { BENCH_SECRET, IDLE_TIMEOUT_MS } from './bench-config';
import { FastifySessionController } from './fastify-session.controller';
import { createNestSessionsWith } from './nest-sessions.setup';

/** One 32-byte key for both stateless setups, derived from the bench secret (reproducible runs). */
const BENCH_KEY = createHash('sha256').update(BENCH_SECRET).digest();

/** nest-sessions with CookieStore (the session sealed in the cookie), on `adapter`. */
export function createNestSessionsCookie(adapter: 'express' | 'fastify') {
  return () => createNestSessionsWith(adapter, new CookieStore({ keys: [BENCH_KEY] }));
}

@Module({ controllers: [FastifySessionController] })
class FastifySecureSessionAppModule {}

/**
 * @fastify/secure-session (libsodium secretbox, the session in the cookie), on Nest's Fastify
 * adapter, with the same routes as @fastify/session: its `request.session` has the same get/set.
 */
export async function createFastifySecureSession() {
  const app = await NestFactory.create<NestFastifyApplication>(
    FastifySecureSessionAppModule,
    new FastifyAdapter(),
    {
      logger: false,
    },
  );
  // Plugin types differ between fastify copies; the plugin is registered as documented.
  await app.register(fastifySecureSession, {
    key: BENCH_KEY,
    cookie: { path: '/', httpOnly: true, maxAge: IDLE_TIMEOUT_MS / 1000 },
  });
  return app;
}
