import './use-local-package'; // first: lets this repository's sample import 'nest-sessions' (not needed in your app)
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks(); // closes the Redis connection RedisStore.connect() opened
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  const store = process.env.REDIS_URL ? 'Redis (REDIS_URL)' : 'memory';
  console.log(`nest-sessions sample on http://localhost:${port} (sessions in ${store})`);
}

void bootstrap();
