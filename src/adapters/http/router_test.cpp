#include "adapters/http/router.hpp"

#include <gtest/gtest.h>

namespace paredao::http {
namespace {

TEST(Router, MatchesEveryRouteOfTheContract) {
  EXPECT_EQ(match_route("/healthz").route, Route::kHealthz);
  EXPECT_EQ(match_route("/readyz").route, Route::kReadyz);
  EXPECT_EQ(match_route("/metrics").route, Route::kMetrics);
  EXPECT_EQ(match_route("/api/v1/polls").route, Route::kPolls);
  EXPECT_EQ(match_route("/api/v1/polls?x=1").route, Route::kPolls);
  const auto poll = match_route("/api/v1/polls/bbb-26");
  EXPECT_EQ(poll.route, Route::kPoll);
  EXPECT_EQ(poll.poll_id, "bbb-26");
  EXPECT_EQ(match_route("/api/v1/polls/p/challenge").route, Route::kChallenge);
  EXPECT_EQ(match_route("/api/v1/polls/p/votes").route, Route::kVotes);
  EXPECT_EQ(match_route("/api/v1/polls/p/results").route, Route::kResults);
  EXPECT_EQ(match_route("/api/v1/polls/p/stats").route, Route::kStats);
  EXPECT_EQ(match_route("/api/v1/polls/p/stats/minutes").route, Route::kStatsMinutes);
  EXPECT_EQ(match_route("/api/v1/polls/p/stats/hours").route, Route::kNotFound);
  EXPECT_EQ(match_route("/api/v1/polls/p/open").route, Route::kOpen);
  EXPECT_EQ(match_route("/api/v1/polls/p/close").route, Route::kClose);
  EXPECT_EQ(match_route("/api/v1/polls/p/quarantine").route, Route::kQuarantine);
  EXPECT_EQ(match_route("/api/v1/polls/p/quarantine/release").route, Route::kQuarantineRelease);
  EXPECT_EQ(match_route("/api/v1/polls/p/quarantine/void").route, Route::kQuarantineVoid);
  EXPECT_EQ(match_route("/api/v1/polls/p/watch").route, Route::kWatch);
  EXPECT_EQ(match_route("/api/v1/polls/p/audit?x").route, Route::kAudit);
}

TEST(Router, UnknownApiPathsAreNotFound) {
  for (const char* path : {"/api", "/api/v1", "/api/v1/polls/", "/api/v1/polls/p/x",
                           "/api/v1/polls/p/votes/1", "/api/v2/polls", "/api/v1/pollsx",
                           "/api/v1/polls/p/quarantine/x", "/api/v1/polls/p/release"}) {
    EXPECT_EQ(match_route(path).route, Route::kNotFound) << path;
  }
}

TEST(Router, PagesAndFilesOutsideTheApi) {
  EXPECT_EQ(match_route("/").route, Route::kWebPage);
  const auto page = match_route("/p/bbb-26");
  EXPECT_EQ(page.route, Route::kWebPage);
  EXPECT_EQ(page.poll_id, "bbb-26");
  EXPECT_EQ(match_route("/assets/app-1234.js").route, Route::kWebFile);
  EXPECT_EQ(match_route("/admin").route, Route::kAdminPage);
  EXPECT_EQ(match_route("/admin/?x=1").route, Route::kAdminPage);
  EXPECT_EQ(match_route("/admin/x").route, Route::kWebFile);
}

TEST(Router, MethodsAdminAndBodies) {
  using beast_http::verb;
  EXPECT_TRUE(method_allowed(Route::kPolls, verb::post));
  EXPECT_FALSE(method_allowed(Route::kPolls, verb::put));
  EXPECT_EQ(allowed_methods(Route::kPolls), "GET, POST");
  EXPECT_FALSE(method_allowed(Route::kVotes, verb::get));
  EXPECT_TRUE(requires_admin(Route::kStats, verb::get));
  EXPECT_TRUE(requires_admin(Route::kStatsMinutes, verb::get));
  EXPECT_EQ(allowed_methods(Route::kStatsMinutes), "GET, HEAD");
  EXPECT_FALSE(requires_admin(Route::kResults, verb::get));
  EXPECT_TRUE(takes_json_body(Route::kVotes, verb::post));
  EXPECT_FALSE(takes_json_body(Route::kOpen, verb::post));
  // The review routes: all need the token; release and void take an optional body.
  EXPECT_EQ(allowed_methods(Route::kWatch), "GET, HEAD, PUT");
  EXPECT_TRUE(method_allowed(Route::kWatch, verb::put));
  EXPECT_FALSE(method_allowed(Route::kQuarantine, verb::post));
  EXPECT_FALSE(method_allowed(Route::kQuarantineVoid, verb::get));
  for (const auto route : {Route::kQuarantine, Route::kQuarantineRelease, Route::kQuarantineVoid,
                           Route::kWatch, Route::kAudit}) {
    EXPECT_TRUE(requires_admin(route, verb::get));
  }
  EXPECT_TRUE(takes_json_body(Route::kWatch, verb::put));
  EXPECT_FALSE(takes_json_body(Route::kQuarantineRelease, verb::post));
}

}  // namespace
}  // namespace paredao::http
