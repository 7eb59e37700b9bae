#include "adapters/altcha/altcha_verifier.hpp"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "adapters/altcha/altcha_crypto.hpp"
#include "adapters/altcha/challenge_parameters.hpp"
#include "adapters/encoding/hex.hpp"
#include "adapters/system/random_ids.hpp"

namespace paredao {
namespace {

constexpr std::size_t kRandomBytes = 16;
constexpr std::size_t kPrefixBytes = altcha::kKeyLength / 2;
constexpr std::size_t kMaxPayloadBytes = 4096;

Error refused(std::string reason) {
  return Error{ErrorCode::kHumanCheckFailed, "human check refused: " + std::move(reason)};
}

const boost::json::value* member(const boost::json::object& object, std::string_view key) {
  return object.if_contains(key);
}

std::optional<std::string_view> string_member(const boost::json::object& object,
                                              std::string_view key) {
  const auto* value = member(object, key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string_view(value->get_string());
}

std::optional<std::int64_t> integer_member(const boost::json::object& object,
                                           std::string_view key) {
  const auto* value = member(object, key);
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= std::uint64_t(INT64_MAX)) {
    return std::int64_t(value->get_uint64());
  }
  return std::nullopt;
}

}  // namespace

AltchaVerifier::AltchaVerifier(AltchaSettings settings)
    : settings_(std::move(settings)), signer_(settings_.secret) {}

std::string AltchaVerifier::issue_challenge(std::string_view poll_id, TimePoint now,
                                            std::uint32_t work) {
  const std::uint32_t max_counter = std::max<std::uint32_t>(work, 1);
  std::uint8_t random[2 * kRandomBytes + 4];
  random_bytes(random);
  const std::span<const std::uint8_t> nonce(random, kRandomBytes);
  const std::span<const std::uint8_t> salt(random + kRandomBytes, kRandomBytes);
  const std::uint32_t draw = std::uint32_t(random[32]) << 24 | std::uint32_t(random[33]) << 16 |
                             std::uint32_t(random[34]) << 8 | random[35];
  // Counter in [work/2, work-1]: every challenge asks for real work, never more than `work`.
  const std::uint32_t low = max_counter / 2;
  const std::uint32_t counter = low + draw % (max_counter - low);
  const auto& derivation = settings_.derivation;
  const auto key = altcha::derive(derivation, salt, nonce, counter);
  const auto key_prefix = hex::encode(std::span(key).first(kPrefixBytes));
  const auto nonce_hex = hex::encode(nonce);
  const auto salt_hex = hex::encode(salt);
  const auto parameters =
      altcha::signed_text({.algorithm = altcha::algorithm_name(derivation.algorithm),
                           .cost = derivation.cost,
                           .memory_cost = memory_cost(),
                           .poll_id = poll_id,
                           .expires_at = unix_seconds(now) + settings_.ttl_seconds,
                           .key_prefix = key_prefix,
                           .nonce = nonce_hex,
                           .salt = salt_hex});
  const auto signature = hex::encode(signer_.sign(parameters));
  return R"({"parameters":)" + parameters + R"(,"signature":")" + signature + R"("})";
}

Result<HumanProof> AltchaVerifier::verify(std::string_view payload, std::string_view poll_id,
                                          TimePoint now) const {
  if (payload.size() > kMaxPayloadBytes) return refused("payload too long");
  const auto decoded = altcha::from_base64(payload);
  if (!decoded) return refused("payload is not base64");
  // A payload is about 400 bytes of JSON: parse it into a stack buffer, not the heap.
  unsigned char arena[4096];
  boost::json::monotonic_resource resource(arena, sizeof arena);
  boost::system::error_code ec;
  const auto document = boost::json::parse(*decoded, ec, &resource);
  if (ec || !document.is_object()) return refused("payload is not a JSON object");
  const auto& root = document.get_object();
  if (const auto* test = member(root, "test");
      test && !test->is_null() && !(test->is_bool() && !test->get_bool())) {
    return refused("test payloads are not accepted");
  }
  const auto* challenge = member(root, "challenge");
  const auto* solution = member(root, "solution");
  if (!challenge || !challenge->is_object() || !solution || !solution->is_object()) {
    return refused("payload lacks challenge or solution");
  }
  const auto* parameters_value = member(challenge->get_object(), "parameters");
  const auto signature = string_member(challenge->get_object(), "signature");
  if (!parameters_value || !parameters_value->is_object() || !signature) {
    return refused("challenge lacks parameters or signature");
  }

  const auto& parameters = parameters_value->get_object();

  // 1. Are these the parameters of a challenge this server issues, for this poll? Each value
  //    must be in the one form issue_challenge writes (and nothing else may be there), so that
  //    the text the signature covers can be rebuilt from them, byte for byte, without
  //    re-serializing the JSON.
  const auto algorithm = string_member(parameters, "algorithm");
  const auto cost = integer_member(parameters, "cost");
  const auto key_length = integer_member(parameters, "keyLength");
  const auto key_prefix = string_member(parameters, "keyPrefix");
  const auto nonce = string_member(parameters, "nonce");
  const auto salt = string_member(parameters, "salt");
  const auto expires_at = integer_member(parameters, "expiresAt");
  const auto* data = member(parameters, "data");
  std::array<std::uint8_t, kPrefixBytes> prefix_bytes;
  std::array<std::uint8_t, kRandomBytes> nonce_bytes, salt_bytes;
  const auto& derivation = settings_.derivation;
  const auto memory = memory_cost();
  const auto memory_member = integer_member(parameters, "memoryCost");
  if (parameters.size() != altcha::signed_key_count(memory) || !algorithm ||
      *algorithm != altcha::algorithm_name(derivation.algorithm) || !cost ||
      *cost != derivation.cost || (memory > 0 && (!memory_member || *memory_member != memory)) ||
      !key_length || *key_length != altcha::kKeyLength || !key_prefix ||
      !hex::decode_lowercase_into(*key_prefix, prefix_bytes) || !nonce ||
      !hex::decode_lowercase_into(*nonce, nonce_bytes) || !salt ||
      !hex::decode_lowercase_into(*salt, salt_bytes) || !expires_at || !data ||
      !data->is_object() || data->get_object().size() != 1) {
    return refused("challenge parameters are not ours");
  }
  const auto bound_poll = string_member(data->get_object(), "poll");
  if (!bound_poll || *bound_poll != poll_id)
    return refused("challenge was issued for another poll");

  // 2. The signature: only this server's secret can have signed that text. Nothing below is
  //    trusted before this.
  const auto signed_by_us = signer_.sign(altcha::signed_text({.algorithm = *algorithm,
                                                              .cost = *cost,
                                                              .memory_cost = memory,
                                                              .poll_id = poll_id,
                                                              .expires_at = *expires_at,
                                                              .key_prefix = *key_prefix,
                                                              .nonce = *nonce,
                                                              .salt = *salt}));
  altcha::Key claimed_signature;
  if (!hex::decode_lowercase_into(*signature, claimed_signature) ||
      !altcha::constant_time_equal(signed_by_us, claimed_signature)) {
    return refused("signature does not match");
  }
  const auto expiry = from_unix_seconds(*expires_at);
  if (expiry <= now) return refused("challenge expired");

  // 3. The work: the submitted counter must derive the submitted key, which must carry the
  //    signed prefix.
  const auto counter = integer_member(solution->get_object(), "counter");
  const auto derived = string_member(solution->get_object(), "derivedKey");
  altcha::Key claimed_key;
  if (!counter || *counter < 0 || *counter > 0xFFFFFFFF || !derived ||
      !hex::decode_lowercase_into(*derived, claimed_key)) {
    return refused("solution is malformed");
  }
  // Derived last, once the payload is known to be ours: a memory-hard derivation is the costly
  // step, and a forged or stale payload must not make the server pay for it.
  const auto key = altcha::derive(derivation, salt_bytes, nonce_bytes, std::uint32_t(*counter));
  if (!altcha::constant_time_equal(key, claimed_key) ||
      !altcha::constant_time_equal(std::span(key).first(kPrefixBytes), prefix_bytes)) {
    return refused("solution does not solve the challenge");
  }
  return HumanProof{std::string(*nonce), expiry};
}

}  // namespace paredao
