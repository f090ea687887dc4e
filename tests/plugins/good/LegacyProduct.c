/* A trade product built against ABI 1.3, before the host enforced open limits
 * itself: it counts on request->user_open_positions and refuses a third open
 * position. The host must keep counting for such modules (see
 * bourse_open_request). Positions last 60 s and settle as a tie. */
#include <bourse/plugin.h>

#include <stdlib.h>
#include <string.h>

#define MAX_OPEN 2

typedef struct legacy {
    const bourse_host_api* host;
    bourse_host_ctx* ctx;
} legacy;

static bourse_str text(const char* s) {
    bourse_str out = {s, strlen(s)};
    return out;
}

static bourse_status create(const bourse_host_api* host, bourse_host_ctx* ctx, void** out) {
    legacy* self = (legacy*)calloc(1, sizeof(legacy));
    if (!self) return BOURSE_E_INTERNAL;
    self->host = host;
    self->ctx = ctx;
    *out = self;
    return BOURSE_OK;
}

static void destroy(void* instance) {
    free(instance);
}

static bourse_status validate(void* instance, const bourse_open_request* request, bourse_reply reply) {
    legacy* self = (legacy*)instance;
    if (request->user_open_positions < 0) {
        self->host->set_error(self->ctx, text("internal: the host did not count open positions"));
        return BOURSE_E_INTERNAL;
    }
    if (request->user_open_positions >= MAX_OPEN) {
        self->host->set_error(self->ctx, text("trades: the legacy product allows 2 open trades"));
        return BOURSE_E_REJECTED;
    }
    reply.done(reply.ctx, BOURSE_OK, text("{\"expires_in_ms\":60000}"));
    return BOURSE_OK;
}

static bourse_status open_position(void* instance, const bourse_position* position, const bourse_tick* entry,
                                   bourse_reply reply) {
    (void)instance;
    (void)position;
    (void)entry;
    reply.done(reply.ctx, BOURSE_OK, text("{}"));
    return BOURSE_OK;
}

static bourse_status settle(void* instance, const bourse_position* position, const bourse_tick* exit,
                            bourse_settlement* out) {
    (void)instance;
    (void)exit;
    out->outcome = BOURSE_OUTCOME_TIE;
    out->payout = position->stake;
    return BOURSE_OK;
}

static const bourse_trade_product_api product_api = {
    sizeof(bourse_trade_product_api), validate, open_position, NULL, NULL, settle, NULL};

static const bourse_plugin_descriptor descriptor = {sizeof(bourse_plugin_descriptor),
                                                    BOURSE_KIND_TRADE_PRODUCT,
                                                    "legacy-product",
                                                    "1.3.0",
                                                    "ABI 1.3 trade product (test fixture)",
                                                    create,
                                                    destroy,
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    &product_api};

static bourse_status register_plugins(const bourse_registrar* r) {
    return r->add(r->ctx, &descriptor);
}

BOURSE_EXPORT const bourse_module bourse_module_entry = {
    sizeof(bourse_module), BOURSE_ABI_MAJOR, 3, BOURSE_ABI_MAJOR, 0, "good-legacy-product (test fixture)",
    register_plugins};
