import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { BareController } from './bare.controller';

@Module({ controllers: [BareController] })
class BareAppModule {}

/** Bare Nest on Express: no session layer. */
export function createExpressBare() {
  return NestFactory.create(BareAppModule, new ExpressAdapter(), { logger: false });
}

/** Bare Nest on Fastify: no session layer. */
export function createFastifyBare() {
  return NestFactory.create(BareAppModule, new FastifyAdapter(), { logger: false });
}
