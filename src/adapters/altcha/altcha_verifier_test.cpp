#include "adapters/altcha/altcha_verifier.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "adapters/altcha/altcha_crypto.hpp"
#include "adapters/altcha/altcha_solver.hpp"
#include "adapters/altcha/challenge_parameters.hpp"
#include "adapters/encoding/hex.hpp"

namespace paredao {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

const TimePoint kNow = *parse_rfc3339("2026-11-25T20:00:00Z");

using altcha::solve;
using altcha::to_base64;

std::string encode(const json::value& payload) { return to_base64(json::serialize(payload)); }

class AltchaVerifierTest : public ::testing::Test {
 protected:
  AltchaVerifier verifier{AltchaSettings{.secret = "s3cret"}};

  json::object fresh_payload(std::string_view poll = "poll-1") {
    const auto challenge = json::parse(verifier.issue_challenge(poll, kNow, 1000)).as_object();
    return json::object{{"challenge", challenge}, {"solution", solve(challenge)}};
  }
  bool accepted(const json::value& payload, TimePoint at = kNow) {
    return verifier.verify(encode(payload), "poll-1", at).ok();
  }
  static json::object& parameters(json::object& payload) {
    return payload["challenge"].as_object()["parameters"].as_object();
  }
};

TEST_F(AltchaVerifierTest, AcceptsASolvedChallengeAndNamesItByNonce) {
  auto payload = fresh_payload();
  const auto proof = verifier.verify(encode(payload), "poll-1", kNow);
  ASSERT_TRUE(proof.ok()) << proof.error().detail;
  EXPECT_EQ(proof.value().challenge_id, std::string(parameters(payload)["nonce"].as_string()));
  EXPECT_EQ(proof.value().expires_at, kNow + seconds(300));
}

TEST_F(AltchaVerifierTest, ChallengeAsksForAtMostTheConfiguredWork) {
  for (int i = 0; i < 20; ++i) {
    const auto payload = fresh_payload();
    const auto counter = payload.at("solution").at("counter").to_number<std::int64_t>();
    EXPECT_GE(counter, 500);
    EXPECT_LT(counter, 1000);
  }
}

TEST_F(AltchaVerifierTest, RefusesTheWidgetTestPayload) {
  EXPECT_FALSE(
      accepted(json::object{{"challenge", nullptr}, {"solution", nullptr}, {"test", true}}));
  auto payload = fresh_payload();
  payload["test"] = true;
  EXPECT_FALSE(accepted(payload));
}

TEST_F(AltchaVerifierTest, RefusesGarbage) {
  for (const char* bad : {"", "not base64!", "aGVsbG8=", "e30=", "W10="}) {
    EXPECT_FALSE(verifier.verify(bad, "poll-1", kNow).ok()) << bad;
  }
}

TEST_F(AltchaVerifierTest, RefusesATamperedSignature) {
  auto payload = fresh_payload();
  auto& signature = payload["challenge"].as_object()["signature"].as_string();
  signature[0] = signature[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(accepted(payload));
}

TEST_F(AltchaVerifierTest, RefusesEachTamperedParameter) {
  for (const char* field : {"keyPrefix", "nonce", "salt"}) {
    auto payload = fresh_payload();
    auto& value = parameters(payload)[field].as_string();
    value[0] = value[0] == '0' ? '1' : '0';
    EXPECT_FALSE(accepted(payload)) << field;
  }
  auto payload = fresh_payload();
  parameters(payload)["expiresAt"] = parameters(payload)["expiresAt"].as_int64() + 3600;
  EXPECT_FALSE(accepted(payload)) << "expiresAt";
  payload = fresh_payload();
  parameters(payload)["cost"] = 0;
  EXPECT_FALSE(accepted(payload)) << "cost";
}

// scrypt with a small N and r: the test exercises the format and the checks, not the cost.
AltchaSettings scrypt_settings() {
  return {.secret = "s3cret",
          .derivation = {.algorithm = altcha::Algorithm::kScrypt, .cost = 16, .memory_cost = 2}};
}

TEST(AltchaScrypt, IssuesAndVerifiesMemoryHardChallengesSignedWithTheirMemoryCost) {
  AltchaVerifier verifier(scrypt_settings());
  const auto challenge = json::parse(verifier.issue_challenge("poll-1", kNow, 20)).as_object();
  const auto& p = challenge.at("parameters").as_object();
  EXPECT_EQ(p.at("algorithm"), "SCRYPT");
  EXPECT_EQ(p.at("cost"), 16);
  EXPECT_EQ(p.at("memoryCost"), 2);
  EXPECT_EQ(p.size(), altcha::signed_key_count(2));
  auto payload = json::object{{"challenge", challenge}, {"solution", solve(challenge)}};
  const auto counter = payload.at("solution").at("counter").to_number<std::int64_t>();
  EXPECT_GE(counter, 10);
  EXPECT_LT(counter, 20);
  EXPECT_TRUE(verifier.verify(encode(payload), "poll-1", kNow).ok());

  // The same counter's SHA-256 key, or a cheaper scrypt, is not the work asked.
  auto sha = payload;
  const auto salt = *hex::decode(p.at("salt").as_string());
  const auto nonce = *hex::decode(p.at("nonce").as_string());
  sha["solution"].as_object()["derivedKey"] =
      hex::encode(altcha::derive_sha256(salt, nonce, std::uint32_t(counter), 1));
  EXPECT_FALSE(verifier.verify(encode(sha), "poll-1", kNow).ok());
  auto cheaper = payload;
  cheaper["challenge"].as_object()["parameters"].as_object()["memoryCost"] = 1;
  EXPECT_FALSE(verifier.verify(encode(cheaper), "poll-1", kNow).ok());
  auto unsigned_memory = payload;
  unsigned_memory["challenge"].as_object()["parameters"].as_object().erase("memoryCost");
  EXPECT_FALSE(verifier.verify(encode(unsigned_memory), "poll-1", kNow).ok());
  // A SHA-256 server refuses a scrypt challenge even with its own secret, and the other way.
  AltchaVerifier sha_server{AltchaSettings{.secret = "s3cret"}};
  EXPECT_FALSE(sha_server.verify(encode(payload), "poll-1", kNow).ok());
}

TEST(AltchaScrypt, DerivesTheKeyAltchaLibDoes) {
  // scrypt(password = nonce ‖ counter (big-endian), salt, N = 16, r = 1, p = 1, 32 bytes), as
  // node:crypto computes it: scryptSync(Buffer.from('0102000000ff', 'hex'),
  // Buffer.from('0a0b', 'hex'), 32, {cost: 16, blockSize: 1, parallelization: 1}).
  const std::uint8_t salt[] = {0x0a, 0x0b};
  const std::uint8_t nonce[] = {0x01, 0x02};
  const auto key = altcha::derive(
      {.algorithm = altcha::Algorithm::kScrypt, .cost = 16, .memory_cost = 1}, salt, nonce, 255);
  EXPECT_EQ(hex::encode(key), "538bf152b999c6de262248045da9cb6a17d350e2718414bfb21ac6489d24d0f3");
}

TEST(AltchaScrypt, ChecksItsParameters) {
  EXPECT_FALSE(altcha::check_derivation(scrypt_settings().derivation));
  EXPECT_TRUE(altcha::check_derivation({.algorithm = altcha::Algorithm::kScrypt, .cost = 1000}));
  EXPECT_TRUE(altcha::check_derivation(
      {.algorithm = altcha::Algorithm::kScrypt, .cost = 1024, .memory_cost = 0}));
}

TEST(ChallengeParameters, TheSignedTextIsSortedJsonWithTheCountedKeys) {
  const auto text = altcha::signed_text({.cost = 2,
                                         .poll_id = "p-1",
                                         .expires_at = 99,
                                         .key_prefix = "ab",
                                         .nonce = "cd",
                                         .salt = "ef"});
  const auto parsed = json::parse(text).as_object();
  EXPECT_EQ(parsed.size(), altcha::signed_key_count(0));
  std::string previous;
  for (const auto& member : parsed) {  // Boost.JSON keeps the text's order
    EXPECT_LT(previous, std::string(member.key()));
    previous = member.key();
  }
  EXPECT_EQ(parsed.at("data").at("poll"), "p-1");
  EXPECT_EQ(parsed.at("cost"), 2);
  EXPECT_EQ(parsed.at("keyLength"), altcha::kKeyLength);
  EXPECT_EQ(json::serialize(parsed), text);  // no spaces: what JSON.stringify writes
}

TEST_F(AltchaVerifierTest, RefusesParametersItNeverIssues) {
  // The signature covers exactly the parameters a challenge of ours has: anything added is
  // refused, even when every signed value is intact.
  auto payload = fresh_payload();
  parameters(payload)["memoryCost"] = 1;
  EXPECT_FALSE(accepted(payload)) << "an extra parameter";
  payload = fresh_payload();
  parameters(payload)["data"].as_object()["user"] = "x";
  EXPECT_FALSE(accepted(payload)) << "an extra data member";
  payload = fresh_payload();
  parameters(payload)["keyLength"] = 16;
  EXPECT_FALSE(accepted(payload)) << "keyLength";
  payload = fresh_payload();
  parameters(payload)["algorithm"] = "PBKDF2/SHA-256";
  EXPECT_FALSE(accepted(payload)) << "algorithm";
  // Key order and spacing are not signed: the same parameters, reordered, still verify.
  payload = fresh_payload();
  json::object reversed;
  for (auto it = parameters(payload).end(); it != parameters(payload).begin();) {
    --it;
    reversed[it->key()] = it->value();
  }
  parameters(payload) = reversed;
  EXPECT_TRUE(accepted(payload));
}

TEST_F(AltchaVerifierTest, RefusesAWrongDerivedKeyOrCounter) {
  auto payload = fresh_payload();
  auto& key = payload["solution"].as_object()["derivedKey"].as_string();
  key[63] = key[63] == '0' ? '1' : '0';  // prefix intact, key wrong
  EXPECT_FALSE(accepted(payload));

  payload = fresh_payload();
  auto& counter = payload["solution"].as_object()["counter"];
  counter = counter.to_number<std::int64_t>() + 1;  // right key, wrong counter
  EXPECT_FALSE(accepted(payload));

  payload = fresh_payload();
  payload["solution"].as_object()["counter"] = "12";
  EXPECT_FALSE(accepted(payload));
}

TEST_F(AltchaVerifierTest, RefusesAKeyWithoutTheWork) {
  // A key derived from some other counter is genuine SHA-256 output but lacks the signed prefix.
  auto payload = fresh_payload();
  const auto& p = parameters(payload);
  const auto key = altcha::derive_sha256(*hex::decode(p.at("salt").as_string()),
                                         *hex::decode(p.at("nonce").as_string()), 0, 1);
  payload["solution"] = json::object{{"counter", 0}, {"derivedKey", hex::encode(key)}};
  EXPECT_FALSE(accepted(payload));
}

TEST_F(AltchaVerifierTest, RefusesAnExpiredChallenge) {
  const auto payload = fresh_payload();
  EXPECT_TRUE(accepted(payload, kNow + seconds(299)));
  EXPECT_FALSE(accepted(payload, kNow + seconds(300)));
}

TEST_F(AltchaVerifierTest, RefusesAChallengeOfAnotherPoll) {
  auto payload = fresh_payload("poll-2");
  EXPECT_FALSE(accepted(payload));
  parameters(payload)["data"].as_object()["poll"] = "poll-1";  // rebinding breaks the signature
  EXPECT_FALSE(accepted(payload));
}

TEST_F(AltchaVerifierTest, RefusesAChallengeSignedWithAnotherSecret) {
  AltchaVerifier other{AltchaSettings{.secret = "other"}};
  const auto challenge = json::parse(other.issue_challenge("poll-1", kNow, 1000)).as_object();
  EXPECT_FALSE(accepted(json::object{{"challenge", challenge}, {"solution", solve(challenge)}}));
}

TEST(AltchaCrypto, Base64RoundTripsAndRefusesBadPadding) {
  EXPECT_EQ(altcha::from_base64("aGVsbG8="), "hello");
  EXPECT_EQ(altcha::from_base64("aGk="), "hi");
  EXPECT_FALSE(altcha::from_base64("aGVsbG8"));
  EXPECT_FALSE(altcha::from_base64("a=Vs"));
  EXPECT_FALSE(altcha::from_base64("===="));
  EXPECT_FALSE(altcha::from_base64("aGk=aGk="));  // padding before the end
  EXPECT_FALSE(altcha::from_base64("aG\nk"));
  EXPECT_FALSE(altcha::from_base64("aGk=="));  // not a multiple of four
  EXPECT_FALSE(altcha::from_base64("a==="));
  EXPECT_EQ(altcha::from_base64("YWJj"), "abc");
  EXPECT_EQ(altcha::from_base64("AAEC/+8="), std::string("\x00\x01\x02\xff\xef", 5));
  // Round trips of every length up to 300 and every byte value through the encoder (an empty
  // text is refused: no payload is empty).
  std::string bytes;
  for (int n = 0; n < 300; ++n) {
    bytes.push_back(char(n * 37 + 11));
    EXPECT_EQ(altcha::from_base64(to_base64(bytes)).value_or("?"), bytes) << n;
  }
}

}  // namespace
}  // namespace paredao

namespace paredao {
namespace {

TEST(AltchaCrypto, HmacMatchesRfc4231) {
  const altcha::HmacSha256 jefe("Jefe");
  EXPECT_EQ(hex::encode(jefe.sign("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string long_key(131, '\xaa');  // longer than a block: hashed first
  const altcha::HmacSha256 hashed(long_key);
  EXPECT_EQ(hex::encode(hashed.sign("Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

}  // namespace
}  // namespace paredao
