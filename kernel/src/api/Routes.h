//
// Routes.h — registration of every HTTP route the kernel serves, one function
// per area so each file stays about one thing.
//
#pragma once

namespace Poco::JSON {
class Object;
}

namespace bourse {

struct UserRecord;
class Router;
class Kernel;

void addHealthRoutes(Router& router, Kernel& kernel);
void addMarketRoutes(Router& router, Kernel& kernel);
void addAdminRoutes(Router& router, Kernel& kernel);
void addAccountRoutes(Router& router, Kernel& kernel);
void addTradeRoutes(Router& router, Kernel& kernel);
void addBotRoutes(Router& router, Kernel& kernel);
void addVenueRoutes(Router& router, Kernel& kernel);
void addPaymentRoutes(Router& router, Kernel& kernel);
void addKycRoutes(Router& router, Kernel& kernel);
void addStreamRoute(Router& router, Kernel& kernel);
void addStaticFiles(Router& router, Kernel& kernel);

/// A user as the API shows it (own profile and operator console alike).
Poco::JSON::Object userJson(const UserRecord& user);

}  // namespace bourse
