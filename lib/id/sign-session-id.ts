import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_LENGTH = 43; // HMAC-SHA256, url-safe base64

function signature(id: string, secret: string): string {
  return createHmac('sha256', secret).update(id).digest('base64url');
}

/** `id.signature`, signed with the first (current) secret. */
export function signSessionId(id: string, secrets: readonly string[]): string {
  return `${id}.${signature(id, secrets[0])}`;
}

/** The id inside a signed value when any secret verifies it (rotation), else undefined. */
export function unsignSessionId(value: string, secrets: readonly string[]): string | undefined {
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || value.length - dot - 1 !== SIGNATURE_LENGTH) return undefined;
  const id = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  for (const secret of secrets) {
    if (timingSafeEqual(given, Buffer.from(signature(id, secret)))) return id;
  }
  return undefined;
}
