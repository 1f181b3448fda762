import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import type { HttpRequestLike } from '../../http/http-exchange';
import { readSessionId } from '../../http/read-session-id';
import { VerifiedIdCache } from '../../id/verified-id-cache';
import { SESSION_SETTINGS, SessionSettings } from '../../options/session-settings';
import type { ActiveSession } from '../../session/active-session';
import type { SessionEvent } from '../../session/session-event.interface';
import { SessionEvents } from '../../session/session-events';
import type { PresentedId } from '../../session/session-factory';
import { SessionFactory } from '../../session/session-factory';
import type { SocketClient } from './socket-client';
import {
  disconnect,
  isHandshakeRequest,
  isOpen,
  isSocketClient,
  isSocketIoClient,
  onClose,
} from './socket-client';
import { socketSession } from './socket-session';
import { captureUpgradeRequests, handshakeOf } from './upgrade-requests';

/** What a connection's session is: the id its handshake presented, until that session ends. */
interface SocketBinding {
  /** The handshake's well-formed (and signed) id; undefined when it presented none. */
  presented?: PresentedId;
  /** The session ended (destroyed, logged out, expired, moved to a new id): never loaded again. */
  ended: boolean;
  /** Filed under its session's key (see `watch`). */
  watched: boolean;
}

/** An ended session's socket is disconnected this late, so the message that ended it is answered. */
const DISCONNECT_DELAY_MS = 100;

/** When to look again at a socket.io socket that was not yet connected when first read (ms). */
const CONNECT_CHECKS_MS = [0, 50, 250, 700];

/** This app's sessions by the HTTP server its gateways share; the only app as a fallback. */
const byServer = new WeakMap<object, SocketSessions>();
const apps = new Set<SocketSessions>();

/**
 * Sessions of WebSocket connections (socket.io, ws). A connection is bound to the session its
 * handshake presented (cookie, header or query, as `idFrom` says), and each message loads that
 * session fresh from the store (never a copy from connect time), so HTTP requests and other
 * messages in between are seen, and the handler's changes are saved as deltas after it. Once the
 * session ends on this instance the connection loses it at once (and is disconnected with
 * `disconnectOnEnd`); on another instance sharing the store, the next load finds it gone.
 */
@Injectable()
export class SocketSessions implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly verified = new VerifiedIdCache();
  private readonly bindings = new WeakMap<object, SocketBinding>();
  /** Connections by the store key of their session, to end them when it ends. */
  private readonly byKey = new Map<string, Set<SocketClient>>();
  private subscription?: Subscription;
  private releaseUpgrades?: () => void;
  private server?: object;

  constructor(
    @Inject(SESSION_SETTINGS) private readonly settings: SessionSettings,
    private readonly factory: SessionFactory,
    private readonly events: SessionEvents,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The sessions serving a client: its app's (found by its HTTP server), else the only app's. */
  static of(client: SocketClient): SocketSessions | undefined {
    const server = (handshakeOf(client)?.socket as { server?: object } | undefined)?.server;
    const found = server === undefined ? undefined : byServer.get(server);
    if (found) return found;
    return apps.size === 1 ? apps.values().next().value : undefined;
  }

  onModuleInit(): void {
    apps.add(this);
    this.server = this.adapterHost?.httpAdapter?.getHttpServer() as object | undefined;
    if (this.server) byServer.set(this.server, this);
  }

  /** Gateways have attached to the HTTP server by now (at init): capture their upgrades. */
  onApplicationBootstrap(): void {
    this.releaseUpgrades = captureUpgradeRequests(this.server);
  }

  onApplicationShutdown(): void {
    apps.delete(this);
    if (this.server) byServer.delete(this.server);
    this.releaseUpgrades?.();
    this.subscription?.unsubscribe();
    this.byKey.clear();
  }

  /**
   * The session of `target` when it is a WebSocket client (bound to its connection) or a
   * handshake request (not bound: nothing would tell when its connection ends); undefined for
   * anything else (an HTTP request).
   */
  open(target: object): Promise<ActiveSession> | undefined {
    if (isSocketClient(target)) return this.forClient(target);
    if (isHandshakeRequest(target)) return this.load(this.presentedBy(target), undefined);
    return undefined;
  }

  /** The connection's session, loaded for this message; see `socketSession` for a missing one. */
  async forClient(client: SocketClient): Promise<ActiveSession> {
    const binding = this.bind(client);
    return this.load(binding.ended ? undefined : binding.presented, binding);
  }

  private async load(presented: PresentedId | undefined, binding?: SocketBinding): Promise<ActiveSession> {
    // No writer: nothing goes back to a socket, and a session not found is fresh but never stored.
    const session = await this.factory.open(presented);
    // An id whose session is gone never comes back: later messages skip the store.
    if (session.isNew && binding && presented) {
      binding.ended = true;
      this.endSession(presented.key);
    }
    return socketSession(session);
  }

  private bind(client: SocketClient): SocketBinding {
    let binding = this.bindings.get(client);
    if (!binding) {
      const handshake = handshakeOf(client);
      if (!handshake) {
        throw new Error(
          'nest-sessions found no handshake request for this ws client: a ws gateway must share the ' +
            "app's HTTP server (@WebSocketGateway() without a port of its own)",
        );
      }
      binding = { presented: this.presentedBy(handshake), ended: false, watched: false };
      this.bindings.set(client, binding);
    }
    this.watch(client, binding);
    return binding;
  }

  /**
   * Files an open connection under its session's key, so the session's end reaches it, until it
   * closes. Only open connections are filed (a refused handshake never says it closed): a
   * socket.io socket read by a middleware connects just after it, so it is looked at again a few
   * times in its first second.
   */
  private watch(client: SocketClient, binding: SocketBinding, retry = 0): void {
    const key = binding.presented?.key;
    if (key === undefined || binding.watched || binding.ended) return;
    if (!isOpen(client)) {
      const delay = CONNECT_CHECKS_MS[retry];
      if (delay !== undefined && isSocketIoClient(client)) {
        setTimeout(() => this.watch(client, binding, retry + 1), delay).unref();
      }
      return;
    }
    binding.watched = true;
    this.watchEnds();
    let clients = this.byKey.get(key);
    if (!clients) this.byKey.set(key, (clients = new Set()));
    clients.add(client);
    onClose(client, () => this.unbind(key, client));
  }

  private presentedBy(handshake: HttpRequestLike): PresentedId | undefined {
    const { id, key } = readSessionId(handshake, this.settings, this.verified);
    return id !== undefined && key !== undefined ? { id, key } : undefined;
  }

  private unbind(key: string, client: SocketClient): void {
    const clients = this.byKey.get(key);
    clients?.delete(client);
    if (clients?.size === 0) this.byKey.delete(key);
  }

  /** Listens for ends of sessions only once a connection has one: apps without sockets pay nothing. */
  private watchEnds(): void {
    this.subscription ??= this.events.events$.subscribe((event) => this.onEvent(event));
  }

  private onEvent(event: SessionEvent): void {
    const key = endedKey(event);
    if (key !== undefined) this.endSession(key);
  }

  /** The connections bound to the session under `key` lose it (and are disconnected if so set). */
  private endSession(key: string): void {
    const clients = this.byKey.get(key);
    if (!clients) return;
    this.byKey.delete(key);
    for (const client of clients) {
      const binding = this.bindings.get(client);
      if (binding) binding.ended = true;
      if (this.settings.disconnectOnEnd) setTimeout(() => disconnect(client), DISCONNECT_DELAY_MS).unref();
    }
  }
}

/** The store key of the session an event ends, as a socket bound to it sees it. */
function endedKey(event: SessionEvent): string | undefined {
  switch (event.type) {
    case 'destroyed':
    case 'logout':
    case 'expired':
      return event.handle;
    case 'regenerated':
    case 'login':
      return event.previousHandle;
    default:
      return undefined;
  }
}
