#include "adapters/altcha/challenge_parameters.hpp"

namespace paredao::altcha {

std::string signed_text(const ChallengeParameters& p) {
  std::string text;
  text.reserve(240 + p.poll_id.size());
  text.append(R"({"algorithm":")").append(p.algorithm);
  text.append(R"(","cost":)").append(std::to_string(p.cost));
  text.append(R"(,"data":{"poll":")").append(p.poll_id);
  text.append(R"("},"expiresAt":)").append(std::to_string(p.expires_at));
  text.append(R"(,"keyLength":)").append(std::to_string(kKeyLength));
  text.append(R"(,"keyPrefix":")").append(p.key_prefix);
  text += '"';
  if (p.memory_cost > 0) text.append(R"(,"memoryCost":)").append(std::to_string(p.memory_cost));
  text.append(R"(,"nonce":")").append(p.nonce);
  text.append(R"(","salt":")").append(p.salt);
  text.append(R"("})");
  return text;
}

}  // namespace paredao::altcha
