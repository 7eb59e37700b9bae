// The vote page (/ and /p/{id}): index.html with the poll it shows and, when that poll is open,
// a first challenge for this client inlined, so that a phone shows the participants and starts
// solving as soon as its scripts run (issue 16: four round trips one after the other were most
// of a first vote on a slow network). The challenge is issued as GET …/challenge would issue it:
// the same pace, limits and metrics; refused, or not issued within kChallengeDeadline (Redis slow
// or hung, in the distributed mode), the page is served without it and the widget asks itself.
#include "adapters/http/api.hpp"
#include "adapters/http/boot_data.hpp"
#include "adapters/http/json_views.hpp"
#include "adapters/http/static_files.hpp"
#include "adapters/logging/json_log.hpp"

namespace paredao::http {
namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

// Longer than issuing takes when all is well (one derivation, one Redis round trip: under a
// millisecond here), far shorter than the round trip a phone on a slow network spends asking for
// a challenge itself (~0.6 s on "Fast 3G"): the page never waits longer on its challenge than it
// would gain from it.
constexpr std::chrono::milliseconds kChallengeDeadline{200};

struct PageData {
  std::string json_fields;  // "home":{…} or "poll":{…}, or empty for an unknown poll
  std::string open_poll;    // the poll a challenge is issued for, if it is open
};

// What / shows is the list (open polls first); what /p/{id} shows is that poll.
PageData page_data(const PollQueries& polls, const std::string& poll_id) {
  PageData data;
  if (poll_id.empty()) {
    const auto list = polls.list(false);
    data.json_fields = "\"home\":" + polls_json(list);
    if (!list.empty() && list.front().status == PollStatus::kOpen) {
      data.open_poll = list.front().poll->id;
    }
    return data;
  }
  const auto view = polls.get(poll_id);
  if (!view.ok()) return data;
  data.json_fields = "\"poll\":" + poll_json(*view.value().poll, view.value().status);
  if (view.value().status == PollStatus::kOpen) data.open_poll = poll_id;
  return data;
}

}  // namespace

Task<Response> Api::vote_page(const Request& request, const RouteMatch& match,
                              const Network& client) {
  const StaticFile* file = services_.web->index();
  // HEAD, or no front end built: the plain file (or its 404), and no challenge spent.
  if (file == nullptr || !vote_page_ || request.method() != verb::get) {
    co_return web(request, match);
  }
  const PageData data = page_data(services_.polls, match.poll_id);
  std::string json = "{" + data.json_fields;
  if (!data.open_poll.empty()) {
    auto issued = co_await challenge_for(data.open_poll, client, {}, kChallengeDeadline);
    if (issued.ok()) {
      json += (data.json_fields.empty() ? "" : ",");
      json += "\"challenge\":" + issued.value().document;
    } else if (issued.error().code != ErrorCode::kRateLimited) {
      // (A 429's own metric and log line are challenge_for's.) A challenge issued after the
      // deadline still counted in the network's pace, not in paredao_challenges_issued_total.
      services_.metrics.count_page_without_challenge();
      log::warn("page_without_challenge", {{"poll_id", data.open_poll},
                                           {"network", client.cidr()},
                                           {"reason", issued.error().detail}});
    }
  }
  json += "}";
  Response response{status::ok, request.version()};
  response.set(field::content_type, file->content_type);
  // Made for this request (a challenge is single-use): never stored, never shared.
  response.set(field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set(field::vary, "Accept-Encoding");
  const bool gzip = choose_encoding(request[field::accept_encoding], true, false) == "gzip";
  if (gzip) response.set(field::content_encoding, "gzip");
  response.body() = gzip ? vote_page_->gzip(json) : vote_page_->plain(json);
  response.prepare_payload();
  co_return response;
}

}  // namespace paredao::http
