// Shared setup for the HubSpot emulator tests: an emulator on a random port, real @hubspot/api-client clients, a
// raw fetch helper for headers and bodies the client hides, and a controllable clock.
import { Client } from '@hubspot/api-client';
import { startHubSpotEmulator } from '../../../src/emulators/hubspot/index.ts';
import type { HubSpotEmulator, HubSpotEmulatorOptions } from '../../../src/emulators/hubspot/index.ts';

export const T0 = Date.parse('2025-03-03T09:00:00.000Z');

/** An emulator whose clock stands still at T0 unless a test advances it (rolling windows and lag stay deterministic). */
export async function startEmu(opts: HubSpotEmulatorOptions = {}): Promise<HubSpotEmulator> {
  return startHubSpotEmulator({ now: () => new Date(T0), ...opts });
}

export function client(emu: HubSpotEmulator, opts: { accessToken?: string; numberOfApiCallRetries?: number } = {}): Client {
  return new Client({ accessToken: opts.accessToken ?? emu.token, basePath: emu.url, ...(opts.numberOfApiCallRetries !== undefined ? { numberOfApiCallRetries: opts.numberOfApiCallRetries } : {}) });
}

/** Parsed JSON, typed as loosely as JSON.parse types it: tests assert on its values. */
export type Json = ReturnType<typeof JSON.parse>;

export interface Raw {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

/** A request outside the client, to see status, headers and the unfiltered body. */
export async function raw(emu: HubSpotEmulator, method: string, path: string, body?: unknown, token: string | null = emu.token): Promise<Raw> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${emu.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

export interface ApiError extends Error {
  code?: number | string;
  body?: Json;
  headers?: Record<string, string>;
}

/** Runs a promise that must reject and returns the error (the client's ApiException or a network error). */
export async function failure(p: PromiseLike<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

export function contacts(n: number, from = 0, extra: Record<string, string | number> = {}): Array<Record<string, string | number>> {
  return Array.from({ length: n }, (_, i) => ({ email: `c${from + i}@example.test`, firstname: `First${from + i}`, lastname: `Last${from + i}`, ...extra }));
}
