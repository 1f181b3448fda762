// Generated from README.md line 756 by test/readme/extract-snippets.mjs: edit the README.
import { randomBytes } from 'node:crypto';
import { FileStore, SessionModule } from 'nest-sessions';

SessionModule.forRoot({
  store: new FileStore({
    dir: '/var/lib/myapp/sessions', // created 0700 when missing
    // optional, encryption at rest (AES-256-GCM): the first key seals, all of them open
    encryptionKey: [process.env.SESSION_FILE_KEY!, process.env.SESSION_FILE_OLD_KEY!],
  }),
});

// a key: 32 random bytes, as base64 (keep it out of the repository)
console.log(randomBytes(32).toString('base64'));
