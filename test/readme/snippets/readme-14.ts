// Generated from README.md line 511 by test/readme/extract-snippets.mjs: edit the README.
// main.ts (Express), with SessionModule.forRoot({ requestSession: true })
import { NestFactory } from '@nestjs/core';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import { AppModule } from './app.module';

// requestSession: true puts the session on the request, as express-session did.
type WithSession = { session: { id: string } };

export const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
  getSecret: () => process.env.CSRF_SECRET!,
  getSessionIdentifier: (req) => (req as unknown as WithSession).session.id,
});

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.use(cookieParser());
  app.use(doubleCsrfProtection); // POST without the token: 403; put generateCsrfToken(req, res) in your forms
  await app.listen(3000);
}

void bootstrap();
