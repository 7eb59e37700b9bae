// Writes pre-solved vote bodies for the HTTP benchmark, one JSON body per line. The challenges are
// issued with the server's own secret (read from its data dir) exactly as the server issues them,
// and solved like a client would, so every vote exercises the full path: parse, verify, burn,
// durable commit. It is also the native solver of the bot-farm measurements: it says on stderr
// how many challenges it solved per second, on one core.
//
// The challenges' kind follows the server's settings, from the environment: POW_ALGORITHM
// (SHA-256 or SCRYPT), POW_SCRYPT_COST, POW_SCRYPT_BLOCK_SIZE, POW_WORK (default 1: the least).

#include <boost/json.hpp>
#include <chrono>
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
  const auto env = [](const char* name, long fallback) {
    const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): one thread
    return value ? std::atol(value) : fallback;
  };
  altcha::Derivation derivation;
  if (const char* name = std::getenv("POW_ALGORITHM")) {  // NOLINT(concurrency-mt-unsafe)
    const auto algorithm = altcha::algorithm_from_name(name);
    if (!algorithm) {
      std::cerr << "POW_ALGORITHM must be SHA-256 or SCRYPT\n";
      return 2;
    }
    derivation.algorithm = *algorithm;
    if (*algorithm == altcha::Algorithm::kScrypt) {
      derivation.cost = env("POW_SCRYPT_COST", 1024);
      derivation.memory_cost = env("POW_SCRYPT_BLOCK_SIZE", 8);
    }
  }
  const auto work = std::uint32_t(env("POW_WORK", 1));
  AltchaVerifier issuer(AltchaSettings{.secret = secret, .derivation = derivation});
  const auto now = SystemClock().now();
  std::chrono::duration<double> solving{0};
  for (long i = 0; i < count; ++i) {
    const auto challenge = issuer.issue_challenge(poll, now, work);
    const auto start = std::chrono::steady_clock::now();
    auto payload = altcha::solve_to_payload(challenge);
    solving += std::chrono::steady_clock::now() - start;
    out << boost::json::serialize(boost::json::object{
               {"candidate_id", candidates[i % candidates.size()]}, {"altcha", std::move(payload)}})
        << '\n';
  }
  std::cerr << "solved " << count << " challenges of work " << work << " ("
            << altcha::algorithm_name(derivation.algorithm) << ") in " << solving.count()
            << " s on one core: " << double(count) / solving.count() << " solves/s\n";
  return out ? 0 : 1;
}
