#!/usr/bin/env bash
# Runs the whole suite against Nest 11 (CommonJS) in a scratch copy of the repo: the dev
# dependencies pin Nest 12 (ESM only), and the package promises both.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
git ls-files -z | xargs -0 cp --parents -t "$work"
cd "$work"
npm ci --no-audit --no-fund --loglevel=error
# @apollo/server stays at 5 (@nestjs/apollo 13.2+ needs it, and serves Express through
# @as-integrations/express5, as 14 does).
npm install --no-save --no-audit --no-fund --loglevel=error \
  @nestjs/common@11 @nestjs/core@11 @nestjs/platform-express@11 @nestjs/platform-fastify@11 @nestjs/testing@11 \
  @nestjs/websockets@11 @nestjs/platform-socket.io@11 @nestjs/platform-ws@11 \
  @nestjs/graphql@13 @nestjs/apollo@13 @nestjs/mercurius@13 @as-integrations/express5
echo "Running the suite on @nestjs/core $(node -p "require('@nestjs/core/package.json').version")"
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
