// Where a bot trades: the paper venue (simulated, the Bourse wallet's money)
// or Binance live (the user's own exchange account, through the API keys they
// stored). The venues reply, the key check the server makes (so the form
// refuses what cannot be right before sending a secret), and names and badges.
// Pure functions (unit-tested).

export type VenueId = "paper" | "binance";

export const VENUES: [VenueId, string][] = [["paper", "Paper (simulated)"], ["binance", "Binance live"]];

/** GET /api/v1/venues: one entry a live venue. */
export interface VenueKeys {
  venue: string;
  configured: boolean;
  /** "…abcd": the API key's last 4 characters */
  api_key_hint: string | null;
  /** epoch ms */
  updated_at: number | null;
}

export interface VenuesReply {
  venues: VenueKeys[];
  /** false: the server has no BOURSE_SECRETS_KEY, so keys cannot be stored */
  live_trading_available: boolean;
}

/** PUT /api/v1/venues/binance/keys */
export interface StoredKeys {
  venue: string;
  api_key_hint: string;
  updated_at: number;
}

/** The keys card's id on the trading page ("#exchange-keys" scrolls to it). */
export const KEYS_ANCHOR = "exchange-keys";

/** The user's Binance keys (null when none are stored or the reply lacks them). */
export function binanceKeys(reply: VenuesReply | null): VenueKeys | null {
  const entry = reply?.venues.find((v) => v.venue === "binance");
  return entry?.configured ? entry : null;
}

/** Whether a bot on Binance can be created: the user has stored keys. */
export function canTradeLive(reply: VenuesReply | null): boolean {
  return binanceKeys(reply) !== null;
}

const KEY = /^[A-Za-z0-9]{16,128}$/;

/** What is wrong with an API key or secret as typed (the server's rule: 16 to 128 of A-Z a-z 0-9), or null. */
export function keyProblem(value: string, what: "API key" | "secret"): string | null {
  if (!value) return `Enter the ${what}`;
  if (/\s/.test(value)) return `The ${what} has spaces in it: copy it again without them`;
  if (!/^[A-Za-z0-9]*$/.test(value)) return `The ${what} is letters and digits only (A-Z, a-z, 0-9)`;
  if (!KEY.test(value)) return `The ${what} is 16 to 128 letters and digits; this one has ${value.length}`;
  return null;
}

/** A bot's venue ("paper" when the API sends none, as before live bots). */
export function venueOf(bot: { venue?: unknown }): VenueId | string {
  return typeof bot.venue === "string" && bot.venue ? bot.venue : "paper";
}

export function isLive(bot: { venue?: unknown }): boolean {
  return venueOf(bot) !== "paper";
}

const NAMES: Record<string, string> = { paper: "Paper", binance: "Binance" };

/** "binance" → "Binance" (the exchange's name; the builder's choices say "Binance live"). */
export function venueName(venue: string): string {
  return NAMES[venue] ?? venue;
}

/** Where a stopped bot's money goes, for the texts that say so. */
export function moneyHome(bot: { venue?: unknown }): string {
  return isLive(bot) ? "your Binance account" : "your wallet";
}
