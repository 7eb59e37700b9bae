#pragma once
// What `serve` (embedded) and `api` (distributed) share once their adapters are built: the public
// use cases, the web files, the HTTP server and its thread for blocking administration.
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/http/api.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/http/static_files.hpp"
#include "app/cast_vote.hpp"
#include "app/issue_challenge.hpp"
#include "app/poll_queries.hpp"
#include "app/read_results.hpp"
#include "app/readiness.hpp"
#include "app/review_held_votes.hpp"
#include "app/tally_snapshots.hpp"
#include "app/vote_pipeline.hpp"
#include "cmd/config.hpp"

namespace paredao {

// The use cases behind the public routes, wired the same way in both modes; only their ports
// (catalog, verifier, pipeline) differ.
struct FrontUseCases {
  FrontUseCases(const PollCatalog& catalog, HumanVerifier& verifier, VotePipeline& pipeline,
                IdGenerator& ids, const Clock& clock, const TallySnapshots& snapshots,
                PaceLedger& pace, const HttpConfig& config)
      : queries(catalog, clock),
        challenges(catalog, verifier, clock, pace, config.challenge_policy()),
        results(catalog, snapshots, clock),
        votes(catalog, verifier, pipeline, ids, clock, results, pace,
              VotePolicy{.limit = config.vote_limit, .quarantine_pace = config.quarantine_pace}) {}

  // The services of the HTTP API: these use cases plus the production's and the operations'.
  http::ApiServices services(PollAdmin& admin, ReviewHeldVotes& review, Metrics& metrics,
                             const Readiness& readiness, std::string admin_token) {
    return http::ApiServices{.polls = queries,
                             .admin = admin,
                             .challenges = challenges,
                             .votes = votes,
                             .results = results,
                             .review = review,
                             .metrics = metrics,
                             .readiness = readiness,
                             .admin_token = std::move(admin_token)};
  }

  PollQueries queries;
  IssueChallenge challenges;
  ReadResults results;
  CastVote votes;  // last: it reads `results`
};

// The HTTP side of a process, a component: serving from construction (it logs "listening" with
// the `started` fields) until stop(), which answers every request in flight first.
class HttpFront {
 public:
  HttpFront(const HttpConfig& config, const std::filesystem::path& executable,
            http::ApiServices services, Tracer& tracer, const boost::json::object& started);
  void stop();

 private:
  std::unique_ptr<http::StaticFiles> web_;
  boost::asio::thread_pool blocking_{1};  // poll administration (blocking stores)
  // The review of held votes: threads of their own, so that a review waiting for the pipeline
  // or an audit being streamed never delays an opening or a closing.
  boost::asio::thread_pool review_{3};
  std::unique_ptr<http::Api> api_;
  std::unique_ptr<http::HttpServer> server_;
};

// Logs a generated admin token so that the operator can find it.
void log_generated_admin_token(const std::string& token, const std::string& where);

// The observer of a vote pipeline: its metrics and the log lines of what went wrong.
VotePipeline::Observer observe_pipeline(Metrics& metrics);

}  // namespace paredao
