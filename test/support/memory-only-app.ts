// Run in a child process (see test/e2e/health-optional-peer.e2e-spec.ts) with @nestjs/terminus
// hidden: a memory-only app loads nest-sessions, serves a session route, and only a health check
// asks for Terminus. Prints one JSON line with what it saw.
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Session, SessionHealthIndicator, SessionModule } from '../../lib';

@Controller()
class CounterController {
  @Get('visit')
  visit(@Session() session: Session<{ n: number }>) {
    return { n: session.increment('n') };
  }
}

@Module({ imports: [SessionModule.forRoot({})], controllers: [CounterController] })
class MemoryOnlyModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(MemoryOnlyModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const first = await fetch(`${base}/visit`);
  const cookie = first.headers.get('set-cookie')!.split(';')[0];
  const second = await fetch(`${base}/visit`, { headers: { cookie } });
  const terminusLoaded = () => Object.keys(require.cache).some((file) => file.includes('@nestjs/terminus'));
  const terminusBefore = terminusLoaded();
  let health: string;
  try {
    await app.get(SessionHealthIndicator).check();
    health = 'checked';
  } catch (error) {
    health = (error as Error).message;
  }
  const visits = [await first.json(), await second.json()];
  console.log(JSON.stringify({ visits, health, terminusBefore, terminusAfter: terminusLoaded() }));
  await app.close();
}

void main();
