// Client order ids. crypto.getRandomValues works on plain-http deployments too
// (crypto.randomUUID needs a secure context).
export function newOrderId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
