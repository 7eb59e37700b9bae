// The routes of production's review of held votes: quarantine, release, void, watch, audit.
// In these coroutines, blocking calls get named lambdas and no `if` has an initializer: g++ 12
// mis-compiled one of the two here (a later request on the connection failed with "co_await:
// Operation canceled"), as it does lambda temporaries passed to coroutines (api_support.hpp).
#include <boost/json/value.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/api_support.hpp"
#include "adapters/http/json_views.hpp"
#include "adapters/http/request_parsing.hpp"
#include "adapters/http/review_json.hpp"
#include "adapters/logging/json_log.hpp"

namespace paredao::http {
namespace {

using beast_http::field;
using beast_http::status;

// Votes per page of the audit: about 200 bytes each, so pieces of about 50 KiB, each written
// within the write timeout by any reader faster than 5 KiB/s.
constexpr std::size_t kAuditPage = 250;
// Audits streamed at once by one process: each holds a store connection and a snapshot.
constexpr int kMaxAudits = 2;

// A place among the audits being streamed, given back when the stream ends.
class AuditSlot {
 public:
  explicit AuditSlot(std::atomic<int>& audits) : audits_(audits) {}
  AuditSlot(const AuditSlot&) = delete;
  AuditSlot& operator=(const AuditSlot&) = delete;
  ~AuditSlot() { --audits_; }

 private:
  std::atomic<int>& audits_;
};

struct OpenedAudit {
  std::unique_ptr<AuditReader> reader;
  std::vector<AuditedVote> first_page;
};

// The audit's body, read a page at a time on the review's pool and written as it comes.
class AuditStream final : public BodyStream {
 public:
  AuditStream(OpenedAudit opened, std::unique_ptr<AuditSlot> slot, boost::asio::thread_pool& pool,
              std::string poll_id, const TraceContext& trace)
      : reader_(std::move(opened.reader)),
        first_page_(std::move(opened.first_page)),
        slot_(std::move(slot)),
        pool_(pool),
        poll_id_(std::move(poll_id)),
        trace_(trace) {}

  Task<std::optional<std::string>> next() override {
    if (!reader_) co_return std::string();
    std::optional<std::vector<AuditedVote>> page;
    if (first_page_) {
      page = std::move(first_page_);
      first_page_.reset();
    } else {
      auto read = [reader = reader_.get()] { return reader->next(kAuditPage); };
      page = co_await run_blocking(pool_, std::move(read));
    }
    if (!page) {
      log::error("audit_cut", log::traced(trace_, {{"poll_id", poll_id_}, {"votes", listed_}}));
      co_return std::nullopt;
    }
    std::string piece;
    piece.reserve(page->size() * 220);
    for (const auto& vote : *page) append_audit_line(piece, vote);
    listed_ += page->size();
    if (page->empty()) {
      reader_.reset();
      slot_.reset();
      log::info("audit_listed", log::traced(trace_, {{"poll_id", poll_id_}, {"votes", listed_}}));
    }
    co_return piece;
  }

 private:
  std::unique_ptr<AuditReader> reader_;
  std::optional<std::vector<AuditedVote>> first_page_;
  std::unique_ptr<AuditSlot> slot_;
  boost::asio::thread_pool& pool_;
  const std::string poll_id_;
  const TraceContext trace_;  // the request's, for the lines written as the body goes
  std::size_t listed_ = 0;
};

}  // namespace

Task<Response> Api::quarantine(const Request& request, const RouteMatch& match) {
  auto read = [this, id = match.poll_id] { return services_.review.quarantine(id); };
  auto view = co_await run_blocking(review_, std::move(read));
  if (!view.ok()) co_return error_response(view.error(), request.version());
  co_return json_response(status::ok, quarantine_json(view.value()), request.version());
}

Task<Response> Api::minutes(const Request& request, const RouteMatch& match) {
  const auto since = parse_since_query(request.target());
  // The contract's order: the poll before the fields.
  if (!since.ok() && !services_.polls.get(match.poll_id).ok()) {
    co_return error_response({ErrorCode::kNotFound, "no poll with id '" + match.poll_id + "'"},
                             request.version());
  }
  if (!since.ok()) co_return error_response(since.error(), request.version());
  auto read = [this, id = match.poll_id, from = since.value()] {
    return services_.review.minutes(id, from);
  };
  auto history = co_await run_blocking(review_, std::move(read));
  if (!history.ok()) co_return error_response(history.error(), request.version());
  co_return json_response(status::ok, minutes_json(history.value()), request.version());
}

Task<Response> Api::decide(const Request& request, const RouteMatch& match,
                           const TraceContext& trace) {
  const unsigned version = request.version();
  // The contract's order: JSON syntax, the poll, then the fields.
  boost::json::value body = boost::json::object();
  if (!request.body().empty()) {
    auto parsed = parse_json_body(request.body());
    if (!parsed.ok()) co_return error_response(parsed.error(), version);
    body = std::move(parsed).value();
  }
  const auto poll = services_.polls.get(match.poll_id);
  if (!poll.ok()) co_return error_response(poll.error(), version);
  auto filter = parse_held_filter(body);
  if (!filter.ok()) co_return error_response(filter.error(), version);
  const auto action =
      match.route == Route::kQuarantineRelease ? ReviewAction::kRelease : ReviewAction::kVoid;
  auto decision = [this, id = match.poll_id, action, held = std::move(filter).value()] {
    return services_.review.decide(id, action, held);
  };
  auto moved = co_await run_blocking(review_, std::move(decision));
  if (!moved.ok()) co_return error_response(moved.error(), version);
  services_.metrics.count_votes_reviewed(to_string(action), moved.value());
  log::info("held_votes_decided", log::traced(trace, {{"poll_id", match.poll_id},
                                                      {"action", to_string(action)},
                                                      {"votes", moved.value()}}));
  co_return json_response(status::ok, decision_json(moved.value()), version);
}

Task<Response> Api::watch(const Request& request, const RouteMatch& match,
                          const TraceContext& trace) {
  const unsigned version = request.version();
  if (request.method() != beast_http::verb::put) co_return watch_list(request, match);
  auto body = parse_json_body(request.body());
  if (!body.ok()) co_return error_response(body.error(), version);
  const auto poll = services_.polls.get(match.poll_id);
  if (!poll.ok()) co_return error_response(poll.error(), version);
  auto networks = parse_watch_list(body.value());
  if (!networks.ok()) co_return error_response(networks.error(), version);
  auto change = [this, id = match.poll_id, list = std::move(networks).value()] {
    return services_.admin.set_watch(id, list);
  };
  auto stored = co_await run_blocking(blocking_, std::move(change));
  if (!stored.ok()) co_return error_response(stored.error(), version);
  log::info("watch_list_set",
            log::traced(trace, {{"poll_id", match.poll_id}, {"networks", stored.value().size()}}));
  co_return json_response(status::ok, watch_json(stored.value()), version);
}

Response Api::watch_list(const Request& request, const RouteMatch& match) const {
  const auto poll = services_.polls.get(match.poll_id);
  if (!poll.ok()) return error_response(poll.error(), request.version());
  return json_response(status::ok, watch_json(poll.value().poll->watch), request.version());
}

Task<Reply> Api::audit(const Request& request, const RouteMatch& match, const TraceContext& trace) {
  const unsigned version = request.version();
  Response response{status::ok, version};
  response.set(field::content_type, "application/x-ndjson");
  response.set(field::cache_control, "no-store");
  if (request.method() == beast_http::verb::head) {
    const auto poll = services_.polls.get(match.poll_id);
    if (!poll.ok()) co_return error_response(poll.error(), version);
    co_return response;
  }
  if (++audits_ > kMaxAudits) {
    --audits_;
    co_return error_response(
        {ErrorCode::kUnavailable, "other audits are being downloaded from this server; try again",
         std::chrono::seconds(5)},
        version);
  }
  auto slot = std::make_unique<AuditSlot>(audits_);
  // The first page before the head: a store that fails at once is a 503, not a cut body.
  auto open = [this, id = match.poll_id]() -> Result<OpenedAudit> {
    auto reader = services_.review.audit(id);
    if (!reader.ok()) return reader.error();
    auto first = reader.value()->next(kAuditPage);
    if (!first) {
      return Error{ErrorCode::kUnavailable, "the vote store failed; try again",
                   std::chrono::seconds(1)};
    }
    return OpenedAudit{std::move(reader).value(), std::move(*first)};
  };
  auto opened = co_await run_blocking(review_, std::move(open));
  if (!opened.ok()) co_return error_response(opened.error(), version);
  co_return Reply(std::move(response),
                  std::make_shared<AuditStream>(std::move(opened).value(), std::move(slot), review_,
                                                match.poll_id, trace));
}

}  // namespace paredao::http
