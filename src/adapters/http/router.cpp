#include "adapters/http/router.hpp"

namespace paredao::http {
namespace {

constexpr std::string_view kPollsPrefix = "/api/v1/polls";

Route poll_subroute(std::string_view action) {
  if (action == "challenge") return Route::kChallenge;
  if (action == "votes") return Route::kVotes;
  if (action == "results") return Route::kResults;
  if (action == "stats") return Route::kStats;
  if (action == "stats/minutes") return Route::kStatsMinutes;
  if (action == "open") return Route::kOpen;
  if (action == "close") return Route::kClose;
  if (action == "quarantine") return Route::kQuarantine;
  if (action == "quarantine/release") return Route::kQuarantineRelease;
  if (action == "quarantine/void") return Route::kQuarantineVoid;
  if (action == "watch") return Route::kWatch;
  if (action == "audit") return Route::kAudit;
  return Route::kNotFound;
}

}  // namespace

RouteMatch match_route(std::string_view target) {
  const auto query = target.find('?');
  const std::string_view path = target.substr(0, query);
  if (path == "/healthz") return {Route::kHealthz};
  if (path == "/readyz") return {Route::kReadyz};
  if (path == "/metrics") return {Route::kMetrics};
  if (path == kPollsPrefix) return {Route::kPolls};
  if (path == "/api" || path.starts_with("/api/")) {
    if (!path.starts_with(kPollsPrefix) || path.size() <= kPollsPrefix.size() + 1 ||
        path[kPollsPrefix.size()] != '/') {
      return {Route::kNotFound};
    }
    const auto rest = path.substr(kPollsPrefix.size() + 1);
    const auto slash = rest.find('/');
    const auto poll_id = rest.substr(0, slash);
    if (poll_id.empty()) return {Route::kNotFound};
    if (slash == std::string_view::npos) return {Route::kPoll, std::string(poll_id)};
    const auto route = poll_subroute(rest.substr(slash + 1));
    if (route == Route::kNotFound) return {Route::kNotFound};
    return {route, std::string(poll_id)};
  }
  if (path == "/" || path == "/index.html") return {Route::kWebPage};
  if (path == "/admin" || path == "/admin/") return {Route::kAdminPage};
  if (path.starts_with("/p/") && path.size() > 3 && path.find('/', 3) == std::string_view::npos) {
    return {Route::kWebPage, std::string(path.substr(3))};
  }
  return {Route::kWebFile};
}

std::string_view route_name(Route route) {
  switch (route) {
    case Route::kNotFound:
      return "not_found";
    case Route::kHealthz:
      return "healthz";
    case Route::kReadyz:
      return "readyz";
    case Route::kMetrics:
      return "metrics";
    case Route::kPolls:
      return "polls";
    case Route::kPoll:
      return "poll";
    case Route::kChallenge:
      return "challenge";
    case Route::kVotes:
      return "votes";
    case Route::kResults:
      return "results";
    case Route::kStats:
      return "stats";
    case Route::kStatsMinutes:
      return "stats_minutes";
    case Route::kOpen:
      return "open";
    case Route::kClose:
      return "close";
    case Route::kQuarantine:
      return "quarantine";
    case Route::kQuarantineRelease:
      return "quarantine_release";
    case Route::kQuarantineVoid:
      return "quarantine_void";
    case Route::kWatch:
      return "watch";
    case Route::kAudit:
      return "audit";
    case Route::kWebPage:
      return "web_page";
    case Route::kAdminPage:
      return "admin_page";
    case Route::kWebFile:
      return "web_file";
  }
  return "not_found";
}

bool method_allowed(Route route, beast_http::verb method) {
  using beast_http::verb;
  switch (route) {
    case Route::kNotFound:
      return true;  // answered 404 whatever the method
    case Route::kPolls:
      return method == verb::get || method == verb::post;
    case Route::kVotes:
    case Route::kOpen:
    case Route::kClose:
    case Route::kQuarantineRelease:
    case Route::kQuarantineVoid:
      return method == verb::post;
    case Route::kWatch:
      return method == verb::get || method == verb::head || method == verb::put;
    default:
      return method == verb::get || method == verb::head;
  }
}

std::string_view allowed_methods(Route route) {
  switch (route) {
    case Route::kPolls:
      return "GET, POST";
    case Route::kVotes:
    case Route::kOpen:
    case Route::kClose:
    case Route::kQuarantineRelease:
    case Route::kQuarantineVoid:
      return "POST";
    case Route::kWatch:
      return "GET, HEAD, PUT";
    default:
      return "GET, HEAD";
  }
}

bool requires_admin(Route route, beast_http::verb method) {
  switch (route) {
    case Route::kStats:
    case Route::kStatsMinutes:
    case Route::kOpen:
    case Route::kClose:
    case Route::kQuarantine:
    case Route::kQuarantineRelease:
    case Route::kQuarantineVoid:
    case Route::kWatch:
    case Route::kAudit:
      return true;
    case Route::kPolls:
      return method == beast_http::verb::post;
    default:
      return false;
  }
}

bool takes_json_body(Route route, beast_http::verb method) {
  // release and void take an optional body: JSON when there is one (the general rule).
  return (method == beast_http::verb::post && (route == Route::kPolls || route == Route::kVotes)) ||
         (method == beast_http::verb::put && route == Route::kWatch);
}

}  // namespace paredao::http
