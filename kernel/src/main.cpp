// The `bourse` binary: see app/BourseApp.h for its subcommands.
#include "app/BourseApp.h"

#include <iostream>

POCO_SERVER_MAIN(bourse::BourseApp)
