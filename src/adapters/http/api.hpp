#pragma once
// Request → response for every route of the contract. The session (http_server.cpp) owns the
// connection; this owns the meaning.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/http/boot_data.hpp"
#include "adapters/http/http_types.hpp"
#include "adapters/http/router.hpp"
#include "adapters/http/static_files.hpp"
#include "adapters/metrics/metrics.hpp"
#include "app/cast_vote.hpp"
#include "app/issue_challenge.hpp"
#include "app/poll_admin.hpp"
#include "app/poll_queries.hpp"
#include "app/read_results.hpp"
#include "app/readiness.hpp"
#include "app/review_held_votes.hpp"

namespace paredao::http {

struct ApiServices {
  PollQueries& polls;
  PollAdmin& admin;
  IssueChallenge& challenges;
  CastVote& votes;
  ReadResults& results;
  ReviewHeldVotes& review;
  Metrics& metrics;
  // The built pages; set by whoever serves them (nullptr: none, every page answers 404).
  const StaticFiles* web = nullptr;
  // Whether votes can be accepted now, and what is down or degraded (for /readyz).
  const Readiness& readiness;
  std::string admin_token;
  // What only this mode measures, just before each scrape (the embedded data dir's space).
  std::function<void(Metrics&)> measure_at_scrape = nullptr;
};

// Thread-safe: handlers only call thread-safe use cases. Blocking use cases (poll
// administration) run on `blocking`, never on the I/O thread that awaits them.
class Api {
 public:
  // `blocking`: poll administration; `review`: the review of held votes (which may wait for the
  // pipeline, or stream an audit) on threads of its own.
  Api(ApiServices services, boost::asio::thread_pool& blocking, boost::asio::thread_pool& review);
  ~Api();

  // What can be answered from the header alone, in the contract's order: route (404), method
  // (405), token (401), declared size (413). nullopt: read the body and call handle().
  std::optional<Response> precheck(const RequestHeader& header, const RouteMatch& match) const;

  // The response to a complete request that passed precheck(), from a client of `client`.
  // A streamed reply (the audit) carries its body in `stream`.
  // `trace`: the request's span, which the vote's batch and log lines continue.
  Task<Reply> handle(const Request& request, const RouteMatch& match, const Network& client,
                     const TraceContext& trace = {});

 private:
  bool has_admin_token(const RequestHeader& header) const;
  // What is measured at the scrape, not by a refresher: a refresher that stalls cannot report it.
  void measure_at_scrape();
  // The handlers that log take the request's trace for their lines (log::traced).
  Task<Response> create_poll(const Request& request, const TraceContext& trace);
  Task<Response> transition(const Request& request, const RouteMatch& match,
                            const TraceContext& trace);
  // A challenge for a client, counted in the metrics (the challenge route, the vote page). With a
  // deadline, an issue that takes longer is `kUnavailable` (its late challenge is dropped).
  Task<Result<IssuedChallenge>> challenge_for(
      const std::string& poll_id, const Network& client, const TraceContext& trace = {},
      std::optional<std::chrono::milliseconds> deadline = std::nullopt);
  Task<Response> issue_challenge(const Request& request, const RouteMatch& match,
                                 const Network& client, const TraceContext& trace);
  Task<Response> cast_vote(const Request& request, const RouteMatch& match, const Network& client,
                           const TraceContext& trace);
  Response web(const Request& request, const RouteMatch& match) const;
  // The vote page with its first data inlined (api_vote_page.cpp).
  Task<Response> vote_page(const Request& request, const RouteMatch& match, const Network& client);
  // The review of held votes (api_review.cpp).
  Task<Response> quarantine(const Request& request, const RouteMatch& match);
  // The votes per minute of the last hour, from the vote store (api_review.cpp).
  Task<Response> minutes(const Request& request, const RouteMatch& match);
  Task<Response> decide(const Request& request, const RouteMatch& match, const TraceContext& trace);
  Task<Response> watch(const Request& request, const RouteMatch& match, const TraceContext& trace);
  Response watch_list(const Request& request, const RouteMatch& match) const;
  Task<Reply> audit(const Request& request, const RouteMatch& match, const TraceContext& trace);

  ApiServices services_;
  boost::asio::thread_pool& blocking_;
  boost::asio::thread_pool& review_;
  // index.html, ready to take each page's data (nullptr: the front end is not built).
  std::unique_ptr<VotePageTemplate> vote_page_;
  // Audits being streamed: each holds a store connection and a snapshot; a few at a time.
  std::atomic<int> audits_{0};
};

}  // namespace paredao::http
