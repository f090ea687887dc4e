/* A module built for ABI major 99: the kernel must refuse it before running any of its code. */
#include <bourse/plugin.h>

static bourse_status register_nothing(const bourse_registrar* r) {
    (void)r;
    return BOURSE_OK;
}

BOURSE_EXPORT const bourse_module bourse_module_entry = {
    sizeof(bourse_module), 99, 0, 99, 0, "bad-wrong-abi (test fixture)", register_nothing};
