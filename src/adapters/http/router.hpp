#pragma once
// The route table of the contract: which path is which route, which methods each accepts, which
// need the admin token and which take a JSON body.
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"

namespace paredao::http {

enum class Route {
  kNotFound,
  kHealthz,
  kReadyz,
  kMetrics,
  kPolls,         // /api/v1/polls
  kPoll,          // /api/v1/polls/{id}
  kChallenge,     // /api/v1/polls/{id}/challenge
  kVotes,         // /api/v1/polls/{id}/votes
  kResults,       // /api/v1/polls/{id}/results
  kStats,         // /api/v1/polls/{id}/stats
  kStatsMinutes,  // /api/v1/polls/{id}/stats/minutes (ours, not the contract's: docs/openapi.yaml)
  kOpen,          // /api/v1/polls/{id}/open
  kClose,         // /api/v1/polls/{id}/close
  kQuarantine,    // /api/v1/polls/{id}/quarantine
  kQuarantineRelease,  // /api/v1/polls/{id}/quarantine/release
  kQuarantineVoid,     // /api/v1/polls/{id}/quarantine/void
  kWatch,              // /api/v1/polls/{id}/watch
  kAudit,              // /api/v1/polls/{id}/audit
  kWebPage,            // / and /p/{id}: the vote page
  kAdminPage,          // /admin: the production console (it signs in with the token itself)
  kWebFile,            // any other path outside /api/: a file of the built front end, if it exists
};

struct RouteMatch {
  Route route = Route::kNotFound;
  std::string poll_id;  // for routes under /api/v1/polls/{id}
};

// Matches the path of a request target (the query string is ignored).
RouteMatch match_route(std::string_view target);

// Short stable name for metrics labels.
std::string_view route_name(Route route);
bool method_allowed(Route route, beast_http::verb method);
// The value of the Allow header for a 405.
std::string_view allowed_methods(Route route);
// Whether the route and method need the admin bearer token (GET /api/v1/polls does not: the
// token only adds drafts there).
bool requires_admin(Route route, beast_http::verb method);
bool takes_json_body(Route route, beast_http::verb method);

}  // namespace paredao::http
