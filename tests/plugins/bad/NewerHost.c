/* A module that needs host API 1.999, newer than any host that exists. */
#include <bourse/plugin.h>

static bourse_status register_nothing(const bourse_registrar* r) {
    (void)r;
    return BOURSE_OK;
}

BOURSE_EXPORT const bourse_module bourse_module_entry = {
    sizeof(bourse_module),           BOURSE_ABI_MAJOR, BOURSE_ABI_MINOR, BOURSE_ABI_MAJOR, 999,
    "bad-newer-host (test fixture)", register_nothing};
