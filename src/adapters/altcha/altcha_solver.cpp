#include "adapters/altcha/altcha_solver.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "adapters/altcha/altcha_crypto.hpp"
#include "adapters/encoding/hex.hpp"

namespace paredao::altcha {

std::string to_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  out.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(bytes.data()),
                             int(bytes.size())));
  return out;
}

boost::json::object solve(const boost::json::object& challenge) {
  const auto& parameters = challenge.at("parameters").as_object();
  const auto salt = *hex::decode(parameters.at("salt").as_string());
  const auto nonce = *hex::decode(parameters.at("nonce").as_string());
  const std::string prefix(parameters.at("keyPrefix").as_string());
  const auto algorithm = algorithm_from_name(parameters.at("algorithm").as_string());
  if (!algorithm) throw std::runtime_error("unknown algorithm");
  Derivation derivation{.algorithm = *algorithm,
                        .cost = parameters.at("cost").to_number<std::int64_t>()};
  if (const auto* memory = parameters.if_contains("memoryCost")) {
    derivation.memory_cost = memory->to_number<std::int64_t>();
  }
  // Compared as bytes, as a bot's solver would: no text per attempt.
  const auto prefix_bytes = hex::decode(prefix);
  if (!prefix_bytes || prefix_bytes->size() > sizeof(Key))
    throw std::runtime_error("bad keyPrefix");
  for (std::uint32_t counter = 0;; ++counter) {
    const auto key = derive(derivation, salt, nonce, counter);
    if (std::equal(prefix_bytes->begin(), prefix_bytes->end(), key.begin())) {
      return {{"counter", counter}, {"derivedKey", hex::encode(key)}};
    }
  }
}

std::string solve_to_payload(std::string_view challenge_json) {
  const auto challenge = boost::json::parse(challenge_json).as_object();
  return to_base64(boost::json::serialize(
      boost::json::object{{"challenge", challenge}, {"solution", solve(challenge)}}));
}

}  // namespace paredao::altcha
