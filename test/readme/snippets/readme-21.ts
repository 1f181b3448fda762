// Generated from README.md line 923 by test/readme/extract-snippets.mjs: edit the README.
import { CookieStore, SessionModule } from 'nest-sessions';

SessionModule.forRoot({
  // 32 random bytes each: `openssl rand -base64 32`. The first key seals, all of them open.
  store: new CookieStore({ keys: [process.env.SESSION_KEY!, process.env.SESSION_KEY_PREVIOUS!] }),
});
