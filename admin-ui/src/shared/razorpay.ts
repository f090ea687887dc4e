// Razorpay Checkout in the browser: the part of its script's API this app uses
// (new Razorpay(options).open(), then handler or modal.ondismiss), loading that
// script once, and the options a deposit's order opens it with.
import { redirectTarget } from "./payments";
import type { Checkout } from "./types";

export type RazorpayOrder = Extract<Checkout, { type: "razorpay" }>;

/** What Checkout hands `handler` after a payment: the `result` POST …/confirm takes. */
export interface RazorpayResult {
  razorpay_payment_id: string;
  razorpay_order_id: string;
  razorpay_signature: string;
}

export interface RazorpayOptions {
  key: string;
  order_id: string;
  amount: number;
  currency: string;
  name: string;
  handler: (response: RazorpayResult) => void;
  modal: { ondismiss: () => void };
}

export interface RazorpayInstance {
  open(): void;
}

declare global {
  interface Window {
    Razorpay?: new (options: RazorpayOptions) => RazorpayInstance;
  }
}

/** Checkout's options for a deposit's order: `onPaid` gets the payment's result, `onDismiss` runs when the user closes it. */
export function razorpayOptions(c: RazorpayOrder, onPaid: (r: RazorpayResult) => void, onDismiss: () => void): RazorpayOptions {
  return {
    key: c.key_id, order_id: c.order_id, amount: c.amount, currency: c.currency, name: c.name,
    handler: (response) => onPaid(response),
    modal: { ondismiss: () => onDismiss() },
  };
}

const loads = new Map<string, Promise<void>>();

/**
 * Loads the script at `url` (http or https only) once per page, as a <script>
 * element in <head>. A failed load is forgotten, so a later call tries again.
 * The browser does not say why a script failed; the error names the likely causes.
 */
export function loadScript(url: string, doc: Document = document): Promise<void> {
  const href = redirectTarget(url);
  if (!href) return Promise.reject(new Error(`"${url}" is not an http(s) address`));
  let load = loads.get(href);
  if (!load) {
    load = new Promise<void>((resolve, reject) => {
      const script = doc.createElement("script");
      script.src = href;
      script.async = true;
      script.addEventListener("load", () => resolve());
      script.addEventListener("error", () => {
        script.remove();
        loads.delete(href);
        reject(new Error(`${new URL(href).host} did not deliver it: this site's security policy blocks it, or the network is offline`));
      });
      doc.head.append(script);
    });
    loads.set(href, load);
  }
  return load;
}
