// Writes pre-solved vote bodies for the HTTP benchmark, one JSON body per line. The challenges are
// issued with the server's own secret (read from its data dir) exactly as the server issues them,
// and solved like a client would, so every vote exercises the full path: parse, verify, burn,
// durable commit.
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "adapters/altcha/altcha_crypto.hpp"
#include "adapters/altcha/altcha_verifier.hpp"
#include "adapters/system/system_clock.hpp"

namespace {

using namespace paredao;

std::string to_base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  out.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(text.data()), int(text.size())));
  return out;
}

}  // namespace

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
    auto challenge = boost::json::parse(issuer.issue_challenge(poll, now)).as_object();
    const auto& p = challenge.at("parameters").as_object();
    const auto salt = *altcha::from_hex(p.at("salt").as_string());
    const auto nonce = *altcha::from_hex(p.at("nonce").as_string());
    const std::string prefix(p.at("keyPrefix").as_string());
    for (std::uint32_t counter = 0;; ++counter) {
      const auto key = altcha::to_hex(altcha::derive_sha256(salt, nonce, counter, 1));
      if (!key.starts_with(prefix)) continue;
      const auto payload = boost::json::serialize(boost::json::object{
          {"challenge", challenge}, {"solution", {{"counter", counter}, {"derivedKey", key}}}});
      out << boost::json::serialize(boost::json::object{
                 {"candidate_id", candidates[i % candidates.size()]}, {"altcha", to_base64(payload)}})
          << '\n';
      break;
    }
  }
  return out ? 0 : 1;
}
