#include "adapters/http/request_parsing.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>

namespace paredao::http {
namespace {

namespace json = boost::json;

Error field_error(const std::string& field, std::string_view expected) {
  return Error{ErrorCode::kInvalidRequest, field + ": " + std::string(expected)};
}

// Reads an optional field: nullopt when absent or null, an error when of the wrong type.
template <class T, class Check, class Get>
Result<std::optional<T>> optional_field(const json::object& object, std::string_view key,
                                        const std::string& path, std::string_view expected,
                                        Check check, Get get) {
  const auto* value = object.if_contains(key);
  if (!value || value->is_null()) return std::optional<T>{};
  if (!check(*value)) return field_error(path, expected);
  return std::optional<T>{get(*value)};
}

Result<std::optional<std::string>> optional_string(const json::object& object, std::string_view key,
                                                   const std::string& path) {
  return optional_field<std::string>(
      object, key, path, "must be a string", [](const json::value& v) { return v.is_string(); },
      [](const json::value& v) { return std::string(v.get_string()); });
}

Result<std::optional<TimePoint>> optional_time(const json::object& object, std::string_view key) {
  const auto text = optional_string(object, key, std::string(key));
  if (!text.ok()) return field_error(std::string(key), "must be an RFC 3339 time");
  if (!text.value()) return std::optional<TimePoint>{};
  const auto parsed = parse_rfc3339(*text.value());
  if (!parsed) return field_error(std::string(key), "must be an RFC 3339 time");
  return std::optional<TimePoint>{*parsed};
}

Result<NewCandidate> parse_candidate(const json::value& value, std::size_t index) {
  const std::string path = "candidates[" + std::to_string(index) + "]";
  if (!value.is_object()) return field_error(path, "must be an object");
  const auto& object = value.get_object();
  NewCandidate candidate;
  auto name = optional_string(object, "name", path + ".name");
  if (!name.ok()) return name.error();
  if (!name.value()) return field_error(path + ".name", "is required");
  candidate.name = std::move(*name.value());
  auto id = optional_string(object, "id", path + ".id");
  if (!id.ok()) return id.error();
  candidate.id = std::move(id.value());
  auto photo = optional_string(object, "photo_url", path + ".photo_url");
  if (!photo.ok()) return photo.error();
  candidate.photo_url = std::move(photo.value());
  return candidate;
}

}  // namespace

Result<json::value> parse_json_body(std::string_view body, json::storage_ptr storage) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;
  auto value = json::parse(body, ec, std::move(storage), options);
  if (ec) return Error{ErrorCode::kInvalidJson, "the body is not valid JSON: " + ec.message()};
  return value;
}

Result<NewPoll> parse_new_poll(const json::value& body) {
  if (!body.is_object()) return Error{ErrorCode::kInvalidRequest, "body: must be a JSON object"};
  const auto& object = body.get_object();
  NewPoll poll;

  auto id = optional_string(object, "id", "id");
  if (!id.ok()) return id.error();
  poll.id = std::move(id.value());

  auto title = optional_string(object, "title", "title");
  if (!title.ok()) return title.error();
  if (!title.value()) return field_error("title", "is required");
  poll.title = std::move(*title.value());

  const auto* candidates = object.if_contains("candidates");
  if (!candidates || candidates->is_null()) return field_error("candidates", "is required");
  if (!candidates->is_array()) return field_error("candidates", "must be an array");
  for (std::size_t i = 0; i < candidates->get_array().size(); ++i) {
    auto candidate = parse_candidate(candidates->get_array()[i], i);
    if (!candidate.ok()) return candidate.error();
    poll.candidates.push_back(std::move(candidate.value()));
  }

  auto opens_at = optional_time(object, "opens_at");
  if (!opens_at.ok()) return opens_at.error();
  poll.opens_at = opens_at.value();
  auto closes_at = optional_time(object, "closes_at");
  if (!closes_at.ok()) return closes_at.error();
  poll.closes_at = closes_at.value();

  auto show = optional_field<bool>(
      object, "show_partial_results", "show_partial_results", "must be a boolean",
      [](const json::value& v) { return v.is_bool(); },
      [](const json::value& v) { return v.get_bool(); });
  if (!show.ok()) return show.error();
  poll.show_partial_results = show.value().value_or(true);
  return poll;
}

Result<HeldFilter> parse_held_filter(const json::value& body) {
  if (!body.is_object()) return Error{ErrorCode::kInvalidRequest, "body: must be a JSON object"};
  const auto& object = body.get_object();
  HeldFilter filter;
  auto network = optional_string(object, "network", "network");
  if (!network.ok()) return network.error();
  if (network.value()) {
    filter.network = parse_cidr(*network.value());
    if (!filter.network) return field_error("network", "must be a CIDR such as 203.0.113.0/24");
  }
  auto reason = optional_string(object, "reason", "reason");
  if (!reason.ok()) return reason.error();
  if (reason.value()) {
    if (reason.value()->empty() || reason.value()->size() > 64) {
      return field_error("reason", "must be 1 to 64 characters");
    }
    filter.reason = std::move(reason.value());
  }
  return filter;
}

Result<std::vector<Network>> parse_watch_list(const json::value& body) {
  if (!body.is_object()) return Error{ErrorCode::kInvalidRequest, "body: must be a JSON object"};
  const auto* networks = body.get_object().if_contains("networks");
  if (!networks || networks->is_null()) return field_error("networks", "is required");
  if (!networks->is_array()) return field_error("networks", "must be an array of CIDRs");
  std::vector<Network> list;
  for (std::size_t i = 0; i < networks->get_array().size(); ++i) {
    const auto& item = networks->get_array()[i];
    const std::string path = "networks[" + std::to_string(i) + "]";
    if (!item.is_string()) return field_error(path, "must be a string");
    const auto network = parse_cidr(item.get_string());
    if (!network) return field_error(path, "must be a CIDR such as 203.0.113.0/24");
    list.push_back(*network);
  }
  return list;
}

VoteRequest parse_vote(const json::value& body, std::string poll_id) {
  VoteRequest request{.poll_id = std::move(poll_id)};
  if (!body.is_object()) return request;
  const auto& object = body.get_object();
  if (const auto* candidate = object.if_contains("candidate_id");
      candidate && candidate->is_string()) {
    request.candidate_id = std::string(candidate->get_string());
  }
  if (const auto* altcha = object.if_contains("altcha"); altcha && altcha->is_string()) {
    request.altcha = std::string(altcha->get_string());
  }
  return request;
}

std::optional<std::string> framing_error(const RequestHeader& header) {
  namespace bh = boost::beast::http;
  if (header.count(bh::field::host) != 1) return "exactly one Host header is required";
  const auto codings = header.count(bh::field::transfer_encoding);
  if (codings == 0) return std::nullopt;
  if (header.count(bh::field::content_length) != 0) {
    return "Transfer-Encoding and Content-Length together";
  }
  auto value = header[bh::field::transfer_encoding];
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (codings != 1 || !boost::beast::iequals(value, "chunked")) {
    return "the only Transfer-Encoding accepted is chunked";
  }
  return std::nullopt;
}

bool is_json_media_type(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(type[i])) != kJson[i]) return false;
  }
  return true;
}

Result<std::optional<TimePoint>> parse_since_query(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return std::optional<TimePoint>{};
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (!pair.starts_with("since=")) continue;
    // Only what an RFC 3339 time can hold needs decoding: %3A (:) and %2B (+); a plain + is
    // taken as itself.
    std::string value;
    const auto raw = pair.substr(6);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const auto escape = boost::beast::iequals(raw.substr(i, 3), "%3A")   ? ':'
                          : boost::beast::iequals(raw.substr(i, 3), "%2B") ? '+'
                                                                           : '\0';
      value += escape != '\0' ? escape : raw[i];
      if (escape != '\0') i += 2;
    }
    const auto since = parse_rfc3339(value);
    if (!since) {
      return Error{ErrorCode::kInvalidRequest, "since: not an RFC 3339 time"};
    }
    return std::optional<TimePoint>{*since};
  }
  return std::optional<TimePoint>{};
}

}  // namespace paredao::http
