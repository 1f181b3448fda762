// Generated from README.md line 95 by test/readme/extract-snippets.mjs: edit the README.
// main.ts (Express, Nest's default)
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks(); // lets RedisStore.connect() close its connection on SIGTERM
  await app.listen(process.env.PORT ?? 3000);
}

void bootstrap();
