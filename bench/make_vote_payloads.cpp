// Writes pre-solved vote bodies for the HTTP benchmark, one JSON body per line. The challenges are
// issued with the server's own secret (read from its data dir) exactly as the server issues them,
// and solved like a client would, so every vote exercises the full path: parse, verify, burn,
// durable commit.

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "adapters/altcha/altcha_solver.hpp"
#include "adapters/altcha/altcha_verifier.hpp"
#include "adapters/system/system_clock.hpp"

using namespace paredao;

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: make_vote_payloads SECRET_FILE POLL_ID CANDIDATES(comma) COUNT OUT\n";
    return 2;
  }
  std::string secret;
  std::getline(std::ifstream(argv[1]), secret);
  const std::string poll = argv[2];
  std::vector<std::string> candidates;
  for (std::string list = argv[3]; !list.empty();) {
    const auto comma = list.find(',');
    candidates.push_back(list.substr(0, comma));
    list = comma == std::string::npos ? "" : list.substr(comma + 1);
  }
  const long count = std::atol(argv[4]);
  std::ofstream out(argv[5]);
  AltchaVerifier issuer(AltchaSettings{.secret = secret, .max_counter = 1});
  const auto now = SystemClock().now();
  for (long i = 0; i < count; ++i) {
    out << boost::json::serialize(boost::json::object{
               {"candidate_id", candidates[i % candidates.size()]},
               {"altcha", altcha::solve_to_payload(issuer.issue_challenge(poll, now))}})
        << '\n';
  }
  return out ? 0 : 1;
}
