/* The ABI header is C: this file compiles it as strict C11 (-pedantic, warnings as
 * errors) and defines a complete module the C way, then checks at run time that
 * the module passes the host's own rules. */
#include <bourse/plugin.h>

#include <stdio.h>
#include <string.h>

static bourse_status list_nothing(void* instance, bourse_instrument_sink sink) {
    (void)instance;
    (void)sink;
    return BOURSE_OK;
}

static bourse_status create(const bourse_host_api* host, bourse_host_ctx* ctx, void** out) {
    (void)host;
    (void)ctx;
    *out = (void*)1;
    return BOURSE_OK;
}

static void destroy(void* instance) {
    (void)instance;
}

static const bourse_price_source_api source_api = {sizeof(bourse_price_source_api), list_nothing, NULL, NULL, NULL};

static const bourse_plugin_descriptor descriptor = {sizeof(bourse_plugin_descriptor),
                                                    BOURSE_KIND_PRICE_SOURCE,
                                                    "c-source",
                                                    "1.0.0",
                                                    "written in C",
                                                    create,
                                                    destroy,
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    NULL,
                                                    &source_api};

static int registered;

static bourse_status add(void* ctx, const bourse_plugin_descriptor* d) {
    (void)ctx;
    registered += d == &descriptor;
    return BOURSE_OK;
}

static bourse_status register_plugins(const bourse_registrar* r) {
    return r->add(r->ctx, &descriptor);
}

static const bourse_module module = {sizeof(bourse_module), BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR, BOURSE_ABI_MAJOR, 0,
                                     "c-module 1.0.0",      register_plugins};

int main(void) {
    const bourse_registrar registrar = {sizeof(bourse_registrar), NULL, add, NULL};
    if (module.register_plugins(&registrar) != BOURSE_OK || registered != 1) {
        puts("registration through the C ABI failed");
        return 1;
    }
    /* Every crossing struct starts with its size, so hosts can tell versions apart. */
    if (descriptor.struct_size != sizeof descriptor || source_api.struct_size != sizeof source_api) return 1;
    if (strcmp(descriptor.id, "c-source") != 0) return 1;
    puts("1 passed, 0 failed");
    return 0;
}
