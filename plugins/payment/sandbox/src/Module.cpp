// The module entry of the sandbox payment gateway.
#include "SandboxGateway.h"

BOURSE_DECLARE_PLUGIN(bourse::sandbox::SandboxGateway, "sandbox", "1.0.0",
                      "Demo payment gateway: deposits and withdrawals without any outside service")
