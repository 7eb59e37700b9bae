#include "adapters/http/request_parsing.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace paredao::http {
namespace {

std::string failing_detail(std::string_view body) {
  const auto parsed = parse_new_poll(boost::json::parse(body));
  return parsed.ok() ? "" : parsed.error().detail;
}

TEST(ParseNewPoll, ReadsEveryField) {
  const auto parsed = parse_new_poll(boost::json::parse(R"({
    "id": "p1", "title": "T", "unknown": 1, "show_partial_results": false,
    "opens_at": "2026-11-25T20:00:00-03:00", "closes_at": null,
    "candidates": [{"name": "A", "photo_url": "https://x/a.png"}, {"id": "b", "name": "B", "photo_url": null}]})"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
  const auto& poll = parsed.value();
  EXPECT_EQ(poll.id, "p1");
  EXPECT_FALSE(poll.show_partial_results);
  EXPECT_EQ(format_rfc3339(*poll.opens_at), "2026-11-25T23:00:00Z");
  EXPECT_FALSE(poll.closes_at);
  EXPECT_EQ(poll.candidates[0].photo_url, "https://x/a.png");
  EXPECT_EQ(poll.candidates[1].id, "b");
  EXPECT_FALSE(poll.candidates[1].photo_url);
}

TEST(ParseNewPoll, NamesTheFieldOfEachTypeError) {
  EXPECT_EQ(failing_detail("[]"), "body: must be a JSON object");
  EXPECT_EQ(failing_detail(R"({"candidates": []})"), "title: is required");
  EXPECT_EQ(failing_detail(R"({"title": 1, "candidates": []})"), "title: must be a string");
  EXPECT_EQ(failing_detail(R"({"title": "t"})"), "candidates: is required");
  EXPECT_EQ(failing_detail(R"({"title": "t", "candidates": {}})"), "candidates: must be an array");
  EXPECT_EQ(failing_detail(R"({"title": "t", "candidates": [1]})"),
            "candidates[0]: must be an object");
  EXPECT_EQ(failing_detail(R"({"title": "t", "candidates": [{"name": 2}]})"),
            "candidates[0].name: must be a string");
  EXPECT_EQ(failing_detail(R"({"title": "t", "candidates": [], "opens_at": "tomorrow"})"),
            "opens_at: must be an RFC 3339 time");
  EXPECT_EQ(failing_detail(R"({"title": "t", "candidates": [], "show_partial_results": "no"})"),
            "show_partial_results: must be a boolean");
}

TEST(ParseVote, LeavesNonStringFieldsEmpty) {
  const auto vote = parse_vote(boost::json::parse(R"({"candidate_id": 3, "altcha": "x"})"), "p");
  EXPECT_FALSE(vote.candidate_id);
  EXPECT_EQ(vote.altcha, "x");
}

TEST(MediaType, AcceptsJsonWithParameters) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("application/json; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("Application/JSON"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type(""));
}

// A header as Beast would hand it over: `fields` as (name, value) pairs, in order.
RequestHeader header_with(const std::vector<std::pair<std::string, std::string>>& fields) {
  RequestHeader header;
  header.method(beast_http::verb::post);
  header.target("/");
  for (const auto& [name, value] : fields) header.insert(name, value);
  return header;
}

TEST(Framing, NeedsExactlyOneHost) {
  EXPECT_FALSE(framing_error(header_with({{"Host", "x"}})));
  EXPECT_TRUE(framing_error(header_with({})));
  EXPECT_TRUE(framing_error(header_with({{"Host", "x"}, {"host", "x"}})));
}

TEST(Framing, AcceptsOnlyChunkedAloneAsTransferEncoding) {
  EXPECT_FALSE(framing_error(header_with({{"Host", "x"}, {"Transfer-Encoding", "chunked"}})));
  EXPECT_FALSE(framing_error(header_with({{"Host", "x"}, {"Transfer-Encoding", " Chunked "}})));
  for (const char* coding : {"xchunked", "chunked, identity", "gzip, chunked", "identity", ""}) {
    EXPECT_TRUE(framing_error(header_with({{"Host", "x"}, {"Transfer-Encoding", coding}})))
        << coding;
  }
  EXPECT_TRUE(framing_error(header_with(
      {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})));
  EXPECT_TRUE(framing_error(
      header_with({{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "2"}})));
}

TEST(ParseJsonBody, RefusesInvalidJson) {
  EXPECT_EQ(parse_json_body("{").error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(parse_json_body("").error().code, ErrorCode::kInvalidJson);
  EXPECT_TRUE(parse_json_body(R"({"a": [1]})").ok());
}

TEST(ParseHeldFilter, TakesAnOptionalCanonicalNetworkAndReason) {
  const auto filter = [](std::string_view json) {
    return parse_held_filter(parse_json_body(json).value());
  };
  const auto none = filter("{}");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().network);
  EXPECT_FALSE(none.value().reason);
  const auto both = filter(R"({"network": "203.0.113.9/24", "reason": "pace"})");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both.value().network->cidr(), "203.0.113.0/24");
  EXPECT_EQ(*both.value().reason, "pace");
  EXPECT_TRUE(filter(R"({"network": null, "reason": null})").ok());
  for (const char* bad : {R"({"network": "x"})", R"({"network": 1})", R"({"reason": ""})",
                          R"({"reason": 2})", "[]"}) {
    EXPECT_EQ(filter(bad).error().code, ErrorCode::kInvalidRequest) << bad;
  }
  EXPECT_NE(filter(R"({"network": "1.2.3.4/99"})").error().detail.find("network"),
            std::string::npos);
}

TEST(ParseWatchList, NeedsAnArrayOfCidrsAndNamesTheBadOne) {
  const auto list = [](std::string_view json) {
    return parse_watch_list(parse_json_body(json).value());
  };
  const auto ok = list(R"({"networks": ["10.0.0.1", "2001:db8::/32"]})");
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok.value().size(), 2u);
  EXPECT_EQ(ok.value()[0].cidr(), "10.0.0.1/32");
  EXPECT_TRUE(list(R"({"networks": []})").ok());
  EXPECT_EQ(list("{}").error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(list(R"({"networks": "10.0.0.0/8"})").error().code, ErrorCode::kInvalidRequest);
  const auto bad = list(R"({"networks": ["10.0.0.0/8", "nope"]})");
  EXPECT_NE(bad.error().detail.find("networks[1]"), std::string::npos) << bad.error().detail;
}

TEST(ParseSinceQuery, ReadsAnRfc3339TimeEncodedOrNotAndNamesTheFieldWhenItIsNot) {
  const auto expected = *parse_rfc3339("2026-11-25T23:07:00Z");
  EXPECT_EQ(parse_since_query("/api/v1/polls/p/stats/minutes").value(), std::nullopt);
  EXPECT_EQ(parse_since_query("/x?other=1").value(), std::nullopt);
  EXPECT_EQ(parse_since_query("/x?since=2026-11-25T23:07:00Z").value(), expected);
  EXPECT_EQ(parse_since_query("/x?a=b&since=2026-11-25T23%3A07%3a00Z&c").value(), expected);
  EXPECT_EQ(parse_since_query("/x?since=2026-11-25T20%3A07%3A00-03%3A00").value(), expected);
  EXPECT_EQ(parse_since_query("/x?since=2026-11-26T02%3A07%3A00%2B03%3A00").value(), expected);
  for (const auto* bad :
       {"/x?since=", "/x?since=ontem", "/x?since=2026-11-25T23%3A07", "/x?since=%"}) {
    const auto parsed = parse_since_query(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidRequest);
    EXPECT_NE(parsed.error().detail.find("since"), std::string::npos);
  }
}

}  // namespace
}  // namespace paredao::http
