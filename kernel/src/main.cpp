// The `bourse` binary: see app/BourseApp.h for its subcommands.
#include "app/BourseApp.h"

POCO_SERVER_MAIN(bourse::BourseApp)
