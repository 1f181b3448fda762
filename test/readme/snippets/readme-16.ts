// Generated from README.md line 607 by test/readme/extract-snippets.mjs: edit the README.
import { SessionModule } from 'nest-sessions';

SessionModule.forRoot({
  disconnectOnEnd: true, // sockets of a session that ends are disconnected within a second
});
