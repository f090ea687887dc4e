/*
 * bourse/plugin.h — the Bourse plugin ABI (pure C).
 *
 * This header is the whole contract between the Bourse kernel (the "host") and a
 * plugin library. It is plain C on purpose: a plugin built by another compiler or
 * against another C++ standard library still loads, because nothing but POD
 * structs, function pointers, fixed-width integers and (pointer, length) strings
 * crosses the boundary. Plugin authors normally do not use it directly: the
 * header-only C++ layer <bourse/plugin.hpp> turns it into base classes.
 *
 * ---------------------------------------------------------------------------
 * A minimal module, in C:
 *
 *   static bourse_status my_create(const bourse_host_api *host, bourse_host_ctx *ctx,
 *                                  void **out_instance) { ... }
 *   static const bourse_plugin_descriptor my_descriptor = {
 *       sizeof(bourse_plugin_descriptor), BOURSE_KIND_PRICE_SOURCE, "my-source",
 *       "1.0.0", "An example", my_create, my_destroy, my_start, my_stop, NULL,
 *       NULL, &my_price_source_table };
 *   static bourse_status my_register(const bourse_registrar *r) {
 *       return r->add(r->ctx, &my_descriptor);
 *   }
 *   BOURSE_EXPORT const bourse_module bourse_module_entry = {
 *       sizeof(bourse_module), BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR,
 *       1, 0, "my-module 1.0.0 (gcc)", my_register };
 *
 * ---------------------------------------------------------------------------
 * Versioning (three levels):
 *   1. ABI major/minor: the module states the ABI it was compiled against. The
 *      host refuses a module whose major differs from its own.
 *   2. Minimum host API: the module states the lowest host ABI minor it needs
 *      (min_host_minor); an older host refuses it with a clear message.
 *   3. Every struct that crosses the boundary starts with `struct_size`; readers
 *      only touch fields that fit inside the size they were given.
 *
 * WARNING: every function table in this file is APPEND-ONLY. New entries go at
 * the end and bump BOURSE_ABI_MINOR; existing entries never move, change type or
 * disappear. Replacements get a `_v2` name and the old entry stays.
 *
 * Ownership rules (each declaration repeats the one that applies):
 *   - "borrowed": valid only for the duration of the call; copy what you keep.
 *   - "static": valid for as long as the library stays loaded.
 *   - Data handed back through a bourse_reply or bourse_sink is copied by the
 *     receiver before the callback returns.
 *   Nothing allocated on one side is ever freed on the other.
 *
 * Threading rules:
 *   - The host serialises every call into one plugin instance: no two calls
 *     (lifecycle, kind table, timer, HTTP or WebSocket callbacks) into the same
 *     instance run at the same time. They may arrive on different host threads.
 *   - Host-service functions may be called from any thread the host called the
 *     plugin on, for as long as the instance exists. They never call back into
 *     the plugin synchronously except where stated (bourse_reply, bourse_sink).
 *   - No plugin function may block (sleep, synchronous network I/O, waiting on
 *     another thread). Use host timers and the asynchronous HTTP/WebSocket client.
 *
 * Errors:
 *   Functions return a bourse_status. On failure the plugin may describe the
 *   cause with host->set_error(ctx, msg) before returning; messages start with a
 *   stable lower-case token ("config: ...", "upstream: ...") and never contain
 *   secrets. No exception may cross this boundary (the C++ layer guarantees it).
 */
#ifndef BOURSE_PLUGIN_H
#define BOURSE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version of this header. Major: incompatible change. Minor: appended entries. */
#define BOURSE_ABI_MAJOR 1
#define BOURSE_ABI_MINOR 5

/* Name of the single symbol every module exports (a const bourse_module). */
#define BOURSE_MODULE_SYMBOL "bourse_module_entry"

#if defined(_WIN32)
#define BOURSE_EXPORT __declspec(dllexport)
#else
#define BOURSE_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------- */
/* Status codes: a small stable set. Append only.                             */
/* ------------------------------------------------------------------------- */
typedef enum bourse_status {
    BOURSE_OK = 0,
    BOURSE_E_INVALID = 1,      /* bad argument or input; the caller's fault */
    BOURSE_E_NOT_FOUND = 2,    /* unknown symbol, id or key */
    BOURSE_E_UNSUPPORTED = 3,  /* optional capability not provided */
    BOURSE_E_UNAVAILABLE = 4,  /* dependency down (upstream, venue); retry later */
    BOURSE_E_REJECTED = 5,     /* valid input refused by rule (limits, risk) */
    BOURSE_E_INSUFFICIENT = 6, /* not enough balance or quantity */
    BOURSE_E_SIGNATURE = 7,    /* webhook or message authentication failed */
    BOURSE_E_CONFIG = 8,       /* the plugin's configuration is wrong */
    BOURSE_E_INTERNAL = 9      /* bug or unexpected failure (incl. caught exceptions) */
} bourse_status;

/* ------------------------------------------------------------------------- */
/* Value types                                                               */
/* ------------------------------------------------------------------------- */

/* A UTF-8 string as pointer + length. Not NUL-terminated unless stated.
 * Ownership is stated where it is used (usually "borrowed"). */
typedef struct bourse_str {
    const char* data;
    size_t len;
} bourse_str;

/* Money: an integer count of minor units (cents for USD) plus an ISO 4217 code
 * (3 upper-case letters, NUL-terminated). Never a float. */
typedef struct bourse_money {
    int64_t minor;
    char currency[4];
} bourse_money;

/* An exact fixed-point decimal: value = mantissa / 10^scale, 0 <= scale <= 18.
 * Used for prices and quantities so that "exit equals entry" is decidable.
 * Two values compare equal when they denote the same number, whatever the scale. */
typedef struct bourse_decimal {
    int64_t mantissa;
    int32_t scale;
} bourse_decimal;

typedef enum bourse_log_level {
    BOURSE_LOG_DEBUG = 0,
    BOURSE_LOG_INFO = 1,
    BOURSE_LOG_WARN = 2,
    BOURSE_LOG_ERROR = 3
} bourse_log_level;

/* A tradable instrument, as a price source describes it. */
typedef struct bourse_instrument {
    uint32_t struct_size;
    bourse_str symbol;      /* e.g. "OTC_EUR_USD", "BTCUSDT"; [A-Z0-9_]{1,32} */
    bourse_str name;        /* human readable, e.g. "EUR/USD (OTC)" */
    int32_t price_scale;    /* decimals of prices for this instrument */
    bourse_str base_asset;  /* e.g. "EUR"; may be empty */
    bourse_str quote_asset; /* e.g. "USD"; may be empty */
} bourse_instrument;

/* One price observation. */
typedef struct bourse_tick {
    uint32_t struct_size;
    bourse_str symbol;
    bourse_decimal price; /* last/mid price, scale == instrument price_scale */
    int64_t ts_ns;        /* epoch nanoseconds, from the host clock or the venue */
} bourse_tick;

/* One OHLC candle. interval_s is one of 1, 60, 300, 3600 (or any the source offers). */
typedef struct bourse_candle {
    uint32_t struct_size;
    bourse_str symbol;
    int32_t interval_s;
    int64_t open_ts_ns; /* start of the interval, epoch nanoseconds */
    bourse_decimal open, high, low, close;
    bourse_decimal volume; /* base-asset volume; 0 when the source has none */
} bourse_candle;

typedef enum bourse_side { BOURSE_SIDE_BUY = 0, BOURSE_SIDE_SELL = 1 } bourse_side;
typedef enum bourse_order_type { BOURSE_ORDER_MARKET = 0, BOURSE_ORDER_LIMIT = 1 } bourse_order_type;

/* An order a trade product asks the host to place on a venue (paper or real). */
typedef struct bourse_order_request {
    uint32_t struct_size;
    bourse_str position_id;     /* the position (bot) the order belongs to */
    bourse_str client_order_id; /* idempotency key, unique per position */
    bourse_str symbol;
    bourse_side side;
    bourse_order_type type;
    bourse_decimal quantity;     /* base-asset quantity; or 0 with quote_amount set */
    bourse_decimal quote_amount; /* market buys by quote amount; 0 when unused */
    bourse_decimal limit_price;  /* LIMIT only */
} bourse_order_request;

/* An execution report delivered to a trade product. */
typedef struct bourse_fill {
    uint32_t struct_size;
    bourse_str position_id;
    bourse_str client_order_id;
    bourse_str venue_order_id;
    bourse_str symbol;
    bourse_side side;
    bourse_decimal quantity;
    bourse_decimal price;
    bourse_money fee;
    int64_t ts_ns;
    int32_t order_done; /* 1 when the order is completely filled or cancelled */
} bourse_fill;

/* A position held by a trade product: a binary option, a DCA or a grid bot.
 * The host stores it; the product computes on it. */
typedef struct bourse_position {
    uint32_t struct_size;
    bourse_str id;
    bourse_str user_ref; /* opaque user identifier; never personal data */
    bourse_str symbol;
    bourse_money stake; /* amount locked in the ledger for this position */
    int64_t opened_at_ns;
    int64_t expires_at_ns;  /* 0 for open-ended positions (bots) */
    bourse_str params_json; /* terms accepted by validate(), as stored */
    bourse_str state_json;  /* product state as last saved; "{}" initially */
    /* -- since ABI 1.4 (read it only when struct_size covers it) -- */
    /* Changes whenever state_json may have changed, never comes back for the
     * same position: equal versions mean equal state_json, so a product that
     * keeps a rebuilt engine per position need not compare the text on every
     * call. 0: not tracked (compare the text). */
    uint64_t state_version;
} bourse_position;

/* When a position next needs on_tick (since ABI 1.5; see host->position_sleep).
 * A bound whose mantissa is 0 is absent; at_ns 0 is absent. */
typedef struct bourse_wake {
    uint32_t struct_size;
    bourse_decimal at_or_below; /* wake for a price at or below this */
    bourse_decimal at_or_above; /* wake for a price at or above this */
    int64_t at_ns;              /* wake for the first tick at or after this time */
} bourse_wake;

/* An inbound webhook exactly as received, for signature verification. */
typedef struct bourse_http_header {
    bourse_str name;
    bourse_str value;
} bourse_http_header;

typedef struct bourse_webhook {
    uint32_t struct_size;
    bourse_str path;
    const bourse_http_header* headers; /* borrowed; header names as received */
    size_t header_count;
    bourse_str body; /* raw bytes; verify before parsing */
} bourse_webhook;

/* ------------------------------------------------------------------------- */
/* Callbacks that hand data back to the caller                                */
/* ------------------------------------------------------------------------- */

/* Completion of an asynchronous operation. The plugin calls `done` exactly once,
 * either before returning from the call that received it or later from one of
 * its own callbacks (timer, HTTP). `json` is borrowed for the call: the host
 * copies it. On failure pass a non-OK status and a short message as `json`.
 * If the call that received the reply returns non-OK, the operation has failed:
 * the host ignores `done`, whether it was called before the return or later. */
typedef struct bourse_reply {
    void* ctx;
    void (*done)(void* ctx, bourse_status status, bourse_str json);
} bourse_reply;

/* A sink receiving zero or more items synchronously, during the call it was
 * passed to. Items are borrowed for the duration of `emit`. */
typedef struct bourse_instrument_sink {
    void* ctx;
    void (*emit)(void* ctx, const bourse_instrument* instrument);
} bourse_instrument_sink;

/* ------------------------------------------------------------------------- */
/* Outbound HTTP and WebSocket (performed by the host: TLS, timeouts, metrics) */
/* ------------------------------------------------------------------------- */

typedef struct bourse_http_request {
    uint32_t struct_size;
    bourse_str method;                 /* "GET", "POST", ... */
    bourse_str url;                    /* absolute http:// or https:// URL */
    const bourse_http_header* headers; /* borrowed for the call */
    size_t header_count;
    bourse_str body;
    int32_t timeout_ms; /* 0: host default */
} bourse_http_request;

typedef struct bourse_http_response {
    uint32_t struct_size;
    int32_t status;                    /* HTTP status; 0 if no response (see error) */
    const bourse_http_header* headers; /* borrowed for the callback */
    size_t header_count;
    bourse_str body;  /* borrowed for the callback */
    bourse_str error; /* transport error text when status == 0 */
} bourse_http_response;

typedef void (*bourse_http_callback)(void* user, const bourse_http_response* response);

typedef enum bourse_ws_event {
    BOURSE_WS_OPEN = 0,
    BOURSE_WS_MESSAGE = 1, /* text or binary message in `data` */
    BOURSE_WS_CLOSED = 2   /* closed by either side or failed; `data` says why */
} bourse_ws_event;

typedef void (*bourse_ws_callback)(void* user, uint64_t connection_id, bourse_ws_event event, bourse_str data);

typedef void (*bourse_timer_callback)(void* user, uint64_t timer_id);

/* ------------------------------------------------------------------------- */
/* The host-services table                                                    */
/* ------------------------------------------------------------------------- */

/* Opaque per-instance context the host passes to create(); pass it back on every
 * host call. Valid until the instance is destroyed. */
typedef struct bourse_host_ctx bourse_host_ctx;

/* Everything a plugin may ask of the host. Given to create(); static for the
 * life of the instance. Entries the host does not provide return
 * BOURSE_E_UNSUPPORTED. APPEND-ONLY (see the WARNING above). */
typedef struct bourse_host_api {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* -- diagnostics -- */
    /* Log a line attributed to this plugin instance. msg borrowed. Never log secrets. */
    void (*log)(bourse_host_ctx* ctx, bourse_log_level level, bourse_str msg);
    /* Describe the failure of the call about to return non-OK. msg borrowed. */
    void (*set_error)(bourse_host_ctx* ctx, bourse_str msg);

    /* -- time -- */
    /* Current time, epoch nanoseconds. Tests inject a clock here: never read the
     * system clock in a plugin. */
    int64_t (*now_ns)(bourse_host_ctx* ctx);
    /* Call cb(user, id) after delay_ns and then every interval_ns (0: once).
     * The callback runs serialised with other calls into the instance. Timers are
     * cancelled automatically when the instance stops. */
    bourse_status (*timer_start)(bourse_host_ctx* ctx, int64_t delay_ns, int64_t interval_ns, bourse_timer_callback cb,
                                 void* user, uint64_t* out_timer_id);
    /* Cancel a timer. Never blocks; a callback already running finishes. */
    void (*timer_cancel)(bourse_host_ctx* ctx, uint64_t timer_id);

    /* -- configuration -- */
    /* The plugin's `config:` section as a JSON object text ("{}" when absent),
     * `${ENV}` references already expanded. Static for the instance's life. */
    bourse_str (*config_json)(bourse_host_ctx* ctx);
    /* Look up a named secret (from the plugin's `secrets:` section). The value is
     * handed to sink synchronously and is borrowed for that call. */
    bourse_status (*secret_get)(bourse_host_ctx* ctx, bourse_str name, bourse_reply sink);

    /* -- key-value state, namespaced to the plugin id, survives reloads -- */
    /* Hands the value to sink synchronously; BOURSE_E_NOT_FOUND if absent. */
    bourse_status (*kv_get)(bourse_host_ctx* ctx, bourse_str key, bourse_reply sink);
    bourse_status (*kv_put)(bourse_host_ctx* ctx, bourse_str key, bourse_str value);
    bourse_status (*kv_delete)(bourse_host_ctx* ctx, bourse_str key);

    /* -- market data events -- */
    /* Publish a live tick / a closed or updated candle. An instance still being
     * loaded (start() may already publish) has the latest tick per symbol applied
     * when it is swapped in; ticks from a replaced instance are ignored. */
    bourse_status (*publish_tick)(bourse_host_ctx* ctx, const bourse_tick* tick);
    bourse_status (*publish_candle)(bourse_host_ctx* ctx, const bourse_candle* candle);
    /* The last tick the host knows for symbol (from any source), copied into *out
     * (out->symbol is borrowed until the next host call). BOURSE_E_NOT_FOUND if none. */
    bourse_status (*last_tick)(bourse_host_ctx* ctx, bourse_str symbol, bourse_tick* out);
    /* Send a notification event (topic e.g. "plugin.alert", payload a JSON object). */
    bourse_status (*notify)(bourse_host_ctx* ctx, bourse_str topic, bourse_str json);

    /* -- outbound HTTP -- */
    /* Start a request; cb runs later, serialised with the instance, exactly once
     * unless the request is cancelled or the instance stops first. */
    bourse_status (*http_request)(bourse_host_ctx* ctx, const bourse_http_request* request, bourse_http_callback cb,
                                  void* user, uint64_t* out_request_id);
    void (*http_cancel)(bourse_host_ctx* ctx, uint64_t request_id);

    /* -- outbound WebSocket -- */
    bourse_status (*ws_connect)(bourse_host_ctx* ctx, bourse_str url, bourse_ws_callback cb, void* user,
                                uint64_t* out_connection_id);
    bourse_status (*ws_send)(bourse_host_ctx* ctx, uint64_t connection_id, bourse_str text);
    void (*ws_close)(bourse_host_ctx* ctx, uint64_t connection_id);

    /* -- trade products: ledger and venue, performed atomically by the host -- */
    /* Lock `amount` more of the position owner's available balance for the
     * position. Idempotent per (position, idempotency_key). */
    bourse_status (*ledger_reserve)(bourse_host_ctx* ctx, bourse_str position_id, bourse_money amount,
                                    bourse_str idempotency_key);
    /* Return locked funds of the position to the owner's available balance. */
    bourse_status (*ledger_release)(bourse_host_ctx* ctx, bourse_str position_id, bourse_money amount,
                                    bourse_str idempotency_key);
    /* Place an order on the position's venue. Fills arrive via on_fill. */
    bourse_status (*venue_place_order)(bourse_host_ctx* ctx, const bourse_order_request* order);
    bourse_status (*venue_cancel_order)(bourse_host_ctx* ctx, bourse_str position_id, bourse_str client_order_id);
    /* Persist the product's state for a position (a JSON object). */
    bourse_status (*position_save_state)(bourse_host_ctx* ctx, bourse_str position_id, bourse_str state_json);

    /* -- since ABI 1.1 (check struct_size before calling) -- */
    /* A price source whose instruments become known after start (an exchange's
     * symbol list fetched over HTTP, a feed announcing what it carries) calls
     * this when instruments() would now answer differently. The host calls
     * instruments() again soon after the current call returns (never from inside
     * this function) and updates the markets; a symbol another source already
     * provides is refused, and the refusal shows as the plugin's last error.
     * BOURSE_E_REJECTED from an instance that is not (or no longer) the active
     * one; BOURSE_E_UNSUPPORTED from kinds other than price sources. */
    bourse_status (*instruments_changed)(bourse_host_ctx* ctx);

    /* -- since ABI 1.2 (check struct_size before calling) -- */
    /* A price source reports the state of its connection to the outside service,
     * so operators see it and the host can fail over before ticks go stale:
     * LIVE when data flows, BACKING_OFF while it waits to reconnect or retry
     * (rate limited, stream down), BANNED when the service refuses it (an IP ban,
     * a revoked key) until further notice. `detail` is a short operator-visible
     * reason (borrowed; may be empty). The host marks a source STALE on its own
     * when no tick arrives for the instrument's staleness limit; a report never
     * overrides staleness. Cheap; call it on every change, not on every tick.
     * An instance still being loaded may report: the host applies its latest
     * report when it is swapped in. BOURSE_E_INVALID for an unknown state. */
    bourse_status (*source_state)(bourse_host_ctx* ctx, int32_t state, bourse_str detail);

    /* -- since ABI 1.5 (check struct_size before calling) -- */
    /* A trade product says its position needs no on_tick until a price leaves
     * a band, or a time comes: the host skips the ticks in between, which is
     * what lets one kernel run thousands of bots per instrument. Resting orders
     * still execute meanwhile and their fills arrive through on_fill as usual.
     * The band is exclusive: a tick wakes the position when its price is at or
     * below wake->at_or_below, at or above wake->at_or_above, or its time is at
     * or after wake->at_ns (absent bounds never wake; all absent: only the next
     * fill or control request wakes it). Every call into the position starts
     * it awake; a band set during a call holds from the host's commit of that
     * call until the next call, so a product that never calls this is ticked
     * as before. The host may wake a position early (after a restart, a reload
     * or a failed commit): a tick inside the band must do nothing harmful.
     * Only inside on_tick, on_fill or control, for the position being called
     * (else BOURSE_E_UNSUPPORTED / BOURSE_E_INVALID); BOURSE_E_INVALID for a
     * negative bound or at_or_below >= at_or_above. `wake` is borrowed. */
    bourse_status (*position_sleep)(bourse_host_ctx* ctx, bourse_str position_id, const bourse_wake* wake);
} bourse_host_api;

/* States for host->source_state. */
typedef enum bourse_source_state {
    BOURSE_SOURCE_LIVE = 0,
    BOURSE_SOURCE_BACKING_OFF = 1,
    BOURSE_SOURCE_BANNED = 2
} bourse_source_state;

/* ------------------------------------------------------------------------- */
/* Plugin kinds and their function tables                                     */
/* ------------------------------------------------------------------------- */

typedef enum bourse_kind {
    BOURSE_KIND_PRICE_SOURCE = 1,
    BOURSE_KIND_PAYMENT_GATEWAY = 2,
    BOURSE_KIND_TRADE_PRODUCT = 3,
    BOURSE_KIND_KYC_PROVIDER = 4
} bourse_kind;

/* PriceSource: instruments, live ticks (via host->publish_tick), candles.
 * All entries take the instance pointer returned by create(). APPEND-ONLY. */
typedef struct bourse_price_source_api {
    uint32_t struct_size;
    /* Required. Emit every instrument this source offers, synchronously. */
    bourse_status (*list_instruments)(void* instance, bourse_instrument_sink sink);
    /* Optional. Start/stop streaming a symbol. Sources that always stream every
     * instrument may leave these NULL. */
    bourse_status (*subscribe)(void* instance, bourse_str symbol);
    bourse_status (*unsubscribe)(void* instance, bourse_str symbol);
    /* Optional. Historical candles for [from_ns, to_ns): reply with a JSON array of
     * [open_ts_ms, "open", "high", "low", "close", "volume"] rows, oldest first. */
    bourse_status (*fetch_candles)(void* instance, bourse_str symbol, int32_t interval_s, int64_t from_ns,
                                   int64_t to_ns, bourse_reply reply);
} bourse_price_source_api;

/* PaymentGateway: deposits, webhooks, payouts, refunds. Replies are JSON objects
 * documented per entry. Every request carries an idempotency key that the plugin
 * forwards to the provider. APPEND-ONLY. */
typedef struct bourse_payment_request {
    uint32_t struct_size;
    bourse_str idempotency_key;
    bourse_str user_ref;
    bourse_money amount;
    bourse_str reference;     /* provider payment id for refunds/payouts; may be empty */
    bourse_str metadata_json; /* extra fields, a JSON object ("{}" when none) */
} bourse_payment_request;

typedef struct bourse_payment_gateway_api {
    uint32_t struct_size;
    /* Required. Create a deposit intent. Reply: {"provider_ref": "...",
     * "status": "pending", "checkout": {...client data...}}. */
    bourse_status (*create_deposit)(void* instance, const bourse_payment_request* request, bourse_reply reply);
    /* Required. Verify and normalise a webhook, synchronously. On a bad signature
     * return BOURSE_E_SIGNATURE. Reply: {"event_id": "...", "provider_ref": "...",
     * "type": "deposit.succeeded"|"deposit.failed"|"payout.*"|"refund.*",
     * "amount": {"minor": n, "currency": "USD"}}. */
    bourse_status (*verify_webhook)(void* instance, const bourse_webhook* webhook, bourse_reply reply);
    /* Optional. Send money to the user. Reply: {"provider_ref": "...", "status": "..."}. */
    bourse_status (*payout)(void* instance, const bourse_payment_request* request, bourse_reply reply);
    /* Optional. Refund a captured deposit (request->reference). Same reply shape. */
    bourse_status (*refund)(void* instance, const bourse_payment_request* request, bourse_reply reply);

    /* -- since ABI 1.2 (check struct_size before calling) -- */
    /* Optional. The provider's current view of a deposit or payout, for
     * reconciling what stayed pending (a lost webhook, a timeout): request->reference
     * is its provider_ref, request->metadata_json {"kind":"deposit"|"payout"}.
     * Reply: {"provider_ref":"...","status":"pending"|"succeeded"|"failed"|"reversed",
     * "amount":{"minor":n,"currency":"USD"}}. */
    bourse_status (*query)(void* instance, const bourse_payment_request* request, bourse_reply reply);
    /* Optional. Confirm a deposit with what the browser got back from the
     * provider's checkout (Razorpay: razorpay_order_id, razorpay_payment_id,
     * razorpay_signature) in request->metadata_json; request->reference is the
     * deposit's provider_ref. Verify the signature here (BOURSE_E_SIGNATURE when
     * it does not match). Reply: the same shape as query. */
    bourse_status (*confirm_deposit)(void* instance, const bourse_payment_request* request, bourse_reply reply);
} bourse_payment_gateway_api;

/* TradeProduct: binary options, DCA bots, grid bots. The host owns positions,
 * money and orders; the product decides. APPEND-ONLY. */
typedef struct bourse_open_request {
    uint32_t struct_size;
    bourse_str user_ref;
    bourse_str symbol;
    bourse_money stake;
    bourse_str params_json;      /* product-specific terms from the client, a JSON object */
    const bourse_tick* price;    /* price in force now; NULL if none is known */
    /* The user's open positions of this product, for modules built with ABI
     * 1.3 or older. From 1.4 on the host passes -1 (not counted): a product
     * that limits open positions names its limit in the validate reply
     * ("max_open"), and the host enforces it in the transaction that opens
     * the position, where concurrent requests cannot race past it. */
    int32_t user_open_positions;
} bourse_open_request;

typedef enum bourse_outcome {
    BOURSE_OUTCOME_OPEN = 0, /* still running (bots) */
    BOURSE_OUTCOME_WON = 1,
    BOURSE_OUTCOME_LOST = 2,
    BOURSE_OUTCOME_TIE = 3,
    BOURSE_OUTCOME_CLOSED = 4 /* ended without a win/lose verdict (bot stopped) */
} bourse_outcome;

typedef struct bourse_settlement {
    uint32_t struct_size;
    bourse_outcome outcome;
    bourse_money payout; /* total returned to the user, stake included */
} bourse_settlement;

typedef struct bourse_trade_product_api {
    uint32_t struct_size;
    /* Required. Check a request against the product's rules, synchronously. Reply
     * with the accepted terms as a JSON object, stored as the position's
     * params_json; it must include "expires_in_ms" (0 for open-ended positions)
     * and may include "max_open" (since 1.4: the most positions of this product
     * the user may hold open; the host refuses the open beyond it with
     * "trades: at most N open trades at a time").
     * Return BOURSE_E_INVALID / BOURSE_E_REJECTED with a message otherwise. A
     * request repeating an earlier client_order_id never opens twice: the host
     * answers it with the earlier position, whatever validate says now. */
    bourse_status (*validate)(void* instance, const bourse_open_request* request, bourse_reply reply);
    /* Required. The host has stored the position and locked its stake in the same
     * transaction. Reply with the initial state JSON. */
    bourse_status (*open)(void* instance, const bourse_position* position, const bourse_tick* entry,
                          bourse_reply reply);
    /* Optional. A tick for a symbol with open positions of this product (bots). */
    bourse_status (*on_tick)(void* instance, const bourse_position* position, const bourse_tick* tick);
    /* Optional. An execution report for one of the position's orders (bots). */
    bourse_status (*on_fill)(void* instance, const bourse_position* position, const bourse_fill* fill);
    /* Required. Decide the outcome at expiry (exit = price in force at
     * expires_at_ns) or when the user stops a bot (exit may be NULL). Fills *out. */
    bourse_status (*settle)(void* instance, const bourse_position* position, const bourse_tick* exit,
                            bourse_settlement* out);

    /* -- since ABI 1.3 (the host checks struct_size before calling) -- */
    /* Optional (required for bots). A lifecycle request for an open-ended
     * position: request_json is {"action": "pause"|"resume"|"stop", "close": bool}
     * ("close": on stop, sell what the bot holds at market instead of keeping it).
     * Like on_tick and on_fill it may place and cancel orders and save state;
     * the host applies those together once it returns. Called on the thread
     * that delivers the position's ticks; must not block. See
     * plugins/product/README.md for the bot contract. */
    bourse_status (*control)(void* instance, const bourse_position* position, bourse_str request_json);
} bourse_trade_product_api;

/* KycProvider: identity verification. APPEND-ONLY. */
typedef struct bourse_kyc_request {
    uint32_t struct_size;
    bourse_str user_ref;
    bourse_str email;
    bourse_str full_name;
    bourse_str country; /* ISO 3166-1 alpha-2 */
    bourse_str metadata_json;
} bourse_kyc_request;

typedef struct bourse_kyc_provider_api {
    uint32_t struct_size;
    /* Required. Start a verification, or continue the open one when
     * request->metadata_json holds its {"session_id": "..."} (answer the same
     * session, with fresh client data such as an SDK token). Reply: {"session_id": "...",
     * "status": "pending"|"approved"|"rejected", "redirect_url": "..."}. */
    bourse_status (*start_verification)(void* instance, const bourse_kyc_request* request, bourse_reply reply);
    /* Optional. Verify and normalise a vendor callback, synchronously. Reply:
     * {"session_id": "...", "user_ref": "...", "status": "...", "reason": "..."}. */
    bourse_status (*verify_webhook)(void* instance, const bourse_webhook* webhook, bourse_reply reply);
} bourse_kyc_provider_api;

/* ------------------------------------------------------------------------- */
/* Descriptors, registration and the module entry                             */
/* ------------------------------------------------------------------------- */

/* One plugin a module offers. Static storage (lives as long as the library). */
typedef struct bourse_plugin_descriptor {
    uint32_t struct_size;
    bourse_kind kind;
    const char* id;          /* static, NUL-terminated; [a-z0-9][a-z0-9._-]{0,63} */
    const char* version;     /* static, semantic version "MAJOR.MINOR.PATCH" */
    const char* description; /* static, NUL-terminated; may be NULL */

    /* Required. Build an instance from host->config_json(ctx). Must not start
     * timers or I/O yet. On failure call host->set_error and return non-OK. */
    bourse_status (*create)(const bourse_host_api* host, bourse_host_ctx* ctx, void** out_instance);
    /* Required. Free an instance. Called once, after stop (or after a failed start). */
    void (*destroy)(void* instance);
    /* Optional. Begin work: timers, connections. */
    bourse_status (*start)(void* instance);
    /* Optional. Stop work. The host cancels the instance's timers, requests and
     * connections right after, whatever stop did. */
    void (*stop)(void* instance);
    /* Optional. Quick readiness check after start and on demand. */
    bourse_status (*health)(void* instance);
    /* Optional. Operator command (e.g. "set_volatility") with JSON arguments;
     * reply with a JSON object. Unknown commands: BOURSE_E_NOT_FOUND. */
    bourse_status (*command)(void* instance, bourse_str name, bourse_str args_json, bourse_reply reply);

    /* Required. Pointer to the kind's table (bourse_price_source_api, ...), static. */
    const void* kind_api;
} bourse_plugin_descriptor;

/* Handed to the module's register function; valid only during that call. */
typedef struct bourse_registrar {
    uint32_t struct_size;
    void* ctx;
    /* Offer one plugin. The host copies what it needs; descriptor must be static.
     * Returns BOURSE_E_INVALID for a malformed descriptor or a duplicate id. */
    bourse_status (*add)(void* ctx, const bourse_plugin_descriptor* descriptor);
    /* Explain a registration failure (borrowed). */
    void (*set_error)(void* ctx, bourse_str msg);
} bourse_registrar;

/* The single exported symbol of a module: `const bourse_module bourse_module_entry`.
 * The host reads the versions before running any plugin code. */
typedef struct bourse_module {
    uint32_t struct_size;
    uint16_t abi_major;      /* BOURSE_ABI_MAJOR the module was built with */
    uint16_t abi_minor;      /* BOURSE_ABI_MINOR the module was built with */
    uint16_t min_host_major; /* lowest host ABI it accepts: major ... */
    uint16_t min_host_minor; /* ... and minor (entries it calls exist from this minor on) */
    const char* build_info;  /* static, NUL-terminated: "name version (compiler)" */
    /* Required. Register this module's descriptors; called once per load. */
    bourse_status (*register_plugins)(const bourse_registrar* registrar);
} bourse_module;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BOURSE_PLUGIN_H */
