#include "adapters/altcha/altcha_verifier.hpp"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "adapters/altcha/altcha_crypto.hpp"
#include "adapters/altcha/canonical_json.hpp"
#include "adapters/system/random_ids.hpp"

namespace paredao {
namespace {

constexpr std::size_t kRandomBytes = 16;
constexpr std::int64_t kKeyLength = 32;
constexpr std::size_t kPrefixBytes = kKeyLength / 2;
constexpr std::size_t kMaxPayloadBytes = 4096;

Error refused(std::string reason) {
  return Error{ErrorCode::kHumanCheckFailed, "human check refused: " + std::move(reason)};
}

bool is_lower_hex(std::string_view text, std::size_t length) {
  static constexpr auto kLowerHex = [] {
    std::array<bool, 256> table{};
    for (char c : std::string_view("0123456789abcdef")) table[static_cast<unsigned char>(c)] = true;
    return table;
  }();
  if (text.size() != length) return false;
  bool all = true;
  for (char c : text) all &= kLowerHex[static_cast<unsigned char>(c)];
  return all;
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
    : settings_(std::move(settings)), signer_(settings_.secret) {
  if (settings_.max_counter < 1) settings_.max_counter = 1;
}

std::string AltchaVerifier::issue_challenge(std::string_view poll_id, TimePoint now) {
  std::uint8_t random[2 * kRandomBytes + 4];
  random_bytes(random);
  const std::span<const std::uint8_t> nonce(random, kRandomBytes);
  const std::span<const std::uint8_t> salt(random + kRandomBytes, kRandomBytes);
  const std::uint32_t draw = std::uint32_t(random[32]) << 24 | std::uint32_t(random[33]) << 16 |
                             std::uint32_t(random[34]) << 8 | random[35];
  // Counter in [max/2, max-1]: every challenge asks for real work, never more than the setting.
  const std::uint32_t low = settings_.max_counter / 2;
  const std::uint32_t counter = low + draw % (settings_.max_counter - low);
  const auto key = altcha::derive_sha256(salt, nonce, counter, settings_.cost);

  // Written directly in canonical (sorted-key) form; a poll id needs no JSON escaping.
  const std::string parameters =
      std::string(R"({"algorithm":"SHA-256","cost":)") + std::to_string(settings_.cost) +
      R"(,"data":{"poll":")" + std::string(poll_id) + R"("},"expiresAt":)" +
      std::to_string(unix_seconds(now) + settings_.ttl_seconds) +
      R"(,"keyLength":32,"keyPrefix":")" + altcha::to_hex(std::span(key).first(kPrefixBytes)) +
      R"(","nonce":")" + altcha::to_hex(nonce) + R"(","salt":")" + altcha::to_hex(salt) + R"("})";
  const auto signature = altcha::to_hex(signer_.sign(parameters));
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

  // 1. The signature: nothing below is trusted before the parameters are proven to be ours.
  const auto canonical = altcha::canonical_json(*parameters_value);
  if (!canonical || !is_lower_hex(*signature, 64) ||
      !altcha::constant_time_equal(*signature, altcha::to_hex(signer_.sign(*canonical)))) {
    return refused("signature does not match");
  }
  const auto& parameters = parameters_value->get_object();

  // 2. Signed, but is it one of the challenges this server issues, for this poll, still valid?
  const auto algorithm = string_member(parameters, "algorithm");
  const auto cost = integer_member(parameters, "cost");
  const auto key_length = integer_member(parameters, "keyLength");
  const auto key_prefix = string_member(parameters, "keyPrefix");
  const auto nonce = string_member(parameters, "nonce");
  const auto salt = string_member(parameters, "salt");
  const auto expires_at = integer_member(parameters, "expiresAt");
  const auto* data = member(parameters, "data");
  if (!algorithm || *algorithm != "SHA-256" || !cost || *cost != settings_.cost || !key_length ||
      *key_length != kKeyLength || !key_prefix || !is_lower_hex(*key_prefix, 2 * kPrefixBytes) ||
      !nonce || !is_lower_hex(*nonce, 2 * kRandomBytes) || !salt ||
      !is_lower_hex(*salt, 2 * kRandomBytes) || !expires_at || !data || !data->is_object()) {
    return refused("challenge parameters are not ours");
  }
  const auto bound_poll = string_member(data->get_object(), "poll");
  if (!bound_poll || *bound_poll != poll_id)
    return refused("challenge was issued for another poll");
  const auto expiry = from_unix_seconds(*expires_at);
  if (expiry <= now) return refused("challenge expired");

  // 3. The work: the submitted counter must derive the submitted key, which must carry the
  //    signed prefix.
  const auto counter = integer_member(solution->get_object(), "counter");
  const auto derived = string_member(solution->get_object(), "derivedKey");
  if (!counter || *counter < 0 || *counter > 0xFFFFFFFF || !derived ||
      !is_lower_hex(*derived, 2 * kKeyLength)) {
    return refused("solution is malformed");
  }
  const auto key = altcha::derive_sha256(*altcha::from_hex(*salt), *altcha::from_hex(*nonce),
                                         std::uint32_t(*counter), settings_.cost);
  const auto key_hex = altcha::to_hex(key);
  if (!altcha::constant_time_equal(key_hex, *derived) ||
      !altcha::constant_time_equal(std::string_view(key_hex).substr(0, key_prefix->size()),
                                   *key_prefix)) {
    return refused("solution does not solve the challenge");
  }
  return HumanProof{std::string(*nonce), expiry};
}

}  // namespace paredao
