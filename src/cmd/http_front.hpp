#pragma once
// What `serve` (embedded) and `api` (distributed) share once their adapters are built: the
// snapshot timer, the web files, the HTTP server and the start/stop log lines.
#include <boost/json/object.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "adapters/http/api.hpp"
#include "app/cast_vote.hpp"
#include "app/issue_challenge.hpp"
#include "app/poll_queries.hpp"
#include "app/read_results.hpp"
#include "app/tally_snapshots.hpp"
#include "cmd/config.hpp"

namespace paredao {

// The use cases behind the public routes, wired the same way in both modes; only their ports
// (catalog, verifier, replay guard, vote log) differ.
struct FrontUseCases {
  FrontUseCases(const PollCatalog& catalog, HumanVerifier& verifier, ReplayGuard& replay_guard,
                VoteLog& log, IdGenerator& ids, const Clock& clock, const TallySnapshots& snapshots)
      : queries(catalog, clock),
        challenges(catalog, verifier, clock),
        results(catalog, snapshots, clock),
        votes(catalog, verifier, replay_guard, log, ids, clock, results) {}

  // The services of the HTTP API: these use cases plus the production's and the operations'.
  http::ApiServices services(PollAdmin& admin, Metrics& metrics,
                             std::function<std::optional<std::string>()> failing_dependency,
                             std::string admin_token) {
    return http::ApiServices{.polls = queries,
                             .admin = admin,
                             .challenges = challenges,
                             .votes = votes,
                             .results = results,
                             .metrics = metrics,
                             .failing_dependency = std::move(failing_dependency),
                             .admin_token = std::move(admin_token)};
  }

  PollQueries queries;
  IssueChallenge challenges;
  ReadResults results;
  CastVote votes;  // last: it reads `results`
};

// Serves HTTP until SIGTERM/SIGINT, refreshing the snapshots on a timer; every request in
// flight is answered before it returns. The built web pages are found and added to `services`
// here. `started` fields are added to the "listening" line.
void serve_http_front(const ServeConfig& config, const std::filesystem::path& executable,
                      http::ApiServices services, TallySnapshots& snapshots,
                      boost::json::object started);

// Logs a generated admin token so that the operator can find it.
void log_generated_admin_token(const std::string& token, const std::string& where);

}  // namespace paredao
