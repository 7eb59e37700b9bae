#include "adapters/altcha/canonical_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace paredao::altcha {
namespace {

TEST(CanonicalJson, SortsKeysRecursivelyLikeAltchaLib) {
  const auto value = boost::json::parse(R"({"b":1,"a":{"z":"x","c":[2,{"y":true,"x":null}]}})");
  EXPECT_EQ(canonical_json(value), R"({"a":{"c":[2,{"x":null,"y":true}],"z":"x"},"b":1})");
}

TEST(CanonicalJson, RefusesNonIntegerNumbers) {
  EXPECT_FALSE(canonical_json(boost::json::parse(R"({"a":1.5})")));
}

}  // namespace
}  // namespace paredao::altcha

namespace paredao::altcha {
namespace {

TEST(CanonicalJson, EscapesStringsLikeJsonStringify) {
  // JSON.stringify({a: 'x"\\\n\u0001é\t'}) === '{"a":"x\"\\\n\u0001é\t"}'
  const auto value = boost::json::parse("{\"a\":\"x\\\"\\\\\\n\\u0001\xC3\xA9\\t\"}");
  EXPECT_EQ(canonical_json(value), "{\"a\":\"x\\\"\\\\\\n\\u0001\xC3\xA9\\t\"}");
}

}  // namespace
}  // namespace paredao::altcha
