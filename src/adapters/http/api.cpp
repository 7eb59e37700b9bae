#include "adapters/http/api.hpp"

#include <openssl/crypto.h>

#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <chrono>

#include "adapters/http/api_support.hpp"
#include "adapters/http/completion_inbox.hpp"
#include "adapters/http/json_views.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/request_parsing.hpp"
#include "adapters/logging/json_log.hpp"

namespace paredao::http {
namespace {

namespace asio = boost::asio;
using beast_http::field;
using beast_http::status;
using beast_http::verb;

// Runs `resume` on the I/O thread `inbox` belongs to (one wake-up per batch of answers, not one per
// answer), or on `executor` outside the server's threads.
template <class Executor, class Resume>
void resume_on(CompletionInbox* inbox, const Executor& executor, Resume resume) {
  if (inbox)
    inbox->post(std::move(resume));
  else
    asio::post(executor, std::move(resume));
}

// Starts a use case that answers through a callback, on any thread, and resumes the awaiting
// coroutine on its own I/O thread with the answer.
template <class T, class Start>
auto resume_here(Start start) {
  return asio::async_initiate<const UseTask, void(Result<T>)>(
      [](auto handler, Start begin) {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto* inbox = CompletionInbox::of_this_thread();
        begin([shared, executor, inbox](Result<T> result) {
          resume_on(inbox, executor, [shared, result = std::move(result)]() mutable {
            std::move (*shared)(std::move(result));
          });
        });
      },
      use_task, std::move(start));
}

// resume_here with a deadline: past it the coroutine resumes with `kUnavailable`, and the answer,
// whenever it comes, is dropped. For what a request can do without (the vote page's challenge).
template <class T, class Start>
auto resume_within(std::chrono::milliseconds deadline, Start start) {
  return asio::async_initiate<const UseTask, void(Result<T>)>(
      [deadline](auto handler, Start begin) {
        using Handler = decltype(handler);
        using HandlerExecutor = asio::associated_executor_t<Handler>;
        HandlerExecutor executor = asio::get_associated_executor(handler);
        // Whichever comes first, the answer or the timer, resumes the coroutine; both settle on
        // the I/O thread, and the flag makes the second a no-op.
        struct Race {
          Race(const HandlerExecutor& on, Handler h) : timer(on), handler(std::move(h)) {}
          asio::steady_timer timer;
          std::atomic<bool> settled{false};
          Handler handler;
          void settle(Result<T> result) {
            if (settled.exchange(true)) return;
            timer.cancel();
            std::move(handler)(std::move(result));
          }
        };
        auto race = std::make_shared<Race>(executor, std::move(handler));
        race->timer.expires_after(deadline);
        race->timer.async_wait([race](const boost::system::error_code& ec) {
          if (!ec) race->settle(Error{ErrorCode::kUnavailable, "no answer within the deadline"});
        });
        auto* inbox = CompletionInbox::of_this_thread();
        begin([race, executor, inbox](Result<T> result) {
          resume_on(inbox, executor, [race, result = std::move(result)]() mutable {
            race->settle(std::move(result));
          });
        });
      },
      use_task, std::move(start));
}

}  // namespace

Api::Api(ApiServices services, asio::thread_pool& blocking, asio::thread_pool& review)
    : services_(std::move(services)), blocking_(blocking), review_(review) {
  static const StaticFiles kNoPages(std::nullopt);
  if (!services_.web) services_.web = &kNoPages;
  if (const StaticFile* index = services_.web->index()) {
    vote_page_ = std::make_unique<VotePageTemplate>(index->body);
  }
}

Api::~Api() = default;

bool Api::has_admin_token(const RequestHeader& header) const {
  const auto value = header[field::authorization];
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return false;
  }
  const auto token = value.substr(kScheme.size());
  const auto& expected = services_.admin_token;
  return token.size() == expected.size() &&
         CRYPTO_memcmp(token.data(), expected.data(), expected.size()) == 0;
}

std::optional<Response> Api::precheck(const RequestHeader& header, const RouteMatch& match) const {
  const unsigned version = header.version();
  if (match.route == Route::kNotFound) {
    return error_response({ErrorCode::kNotFound, "no route for " + std::string(header.target())},
                          version);
  }
  if (!method_allowed(match.route, header.method())) {
    return problem_response({ErrorCode::kMethodNotAllowed,
                             std::string(header.method_string()) + " is not allowed here"},
                            version, allowed_methods(match.route));
  }
  if (requires_admin(match.route, header.method())) {
    if (!has_admin_token(header)) {
      auto response = error_response(
          {ErrorCode::kUnauthorized, "this route needs Authorization: Bearer <admin token>"},
          version);
      response.set(field::www_authenticate, "Bearer");
      return response;
    }
  }
  if (const auto length = header[field::content_length]; !length.empty()) {
    // Beast has already refused a malformed Content-Length; here it is a plain number.
    if (length.size() > 9 || std::stoull(std::string(length)) > kMaxBodyBytes) {
      return error_response({ErrorCode::kPayloadTooLarge, "the body is larger than 8192 bytes"},
                            version);
    }
  }
  return std::nullopt;
}

void Api::measure_at_scrape() {
  services_.metrics.set_counts_age(services_.results.counts_age().count());
  services_.metrics.set_ready(services_.readiness.report()->ready);
  for (const auto& view : services_.polls.list(true)) {
    const auto& closes_at = view.poll->closes_at;
    services_.metrics.set_poll(
        view.poll->id, view.status == PollStatus::kOpen,
        closes_at ? std::optional<std::int64_t>(unix_seconds(*closes_at)) : std::nullopt);
    if (view.status == PollStatus::kDraft) continue;
    const auto stats = services_.results.stats(view.poll->id);
    if (!stats.ok()) continue;
    const auto& candidates = view.poll->candidates;
    const auto& votes = stats.value().counts.by_candidate;
    for (std::size_t i = 0; i < candidates.size() && i < votes.size(); ++i) {
      services_.metrics.set_candidate_votes(view.poll->id, candidates[i].id, candidates[i].name,
                                            votes[i]);
    }
  }
  if (services_.measure_at_scrape) services_.measure_at_scrape(services_.metrics);
}

Task<Reply> Api::handle(const Request& request, const RouteMatch& match, const Network& client,
                        const TraceContext& trace) {
  const unsigned version = request.version();
  // A route that takes JSON needs the media type even for an empty body; any other route only
  // when a body is sent (it is then ignored).
  const bool needs_json = takes_json_body(match.route, request.method()) || !request.body().empty();
  if (needs_json && !is_json_media_type(request[field::content_type])) {
    co_return error_response(
        {ErrorCode::kUnsupportedMediaType, "the body must be sent as application/json"}, version);
  }
  switch (match.route) {
    case Route::kHealthz:
      co_return json_response(status::ok, R"({"status":"ok"})", version);
    case Route::kReadyz: {
      const auto report = services_.readiness.report();
      if (!report->ready) {
        const auto& down = report->not_up.front();
        co_return error_response(
            {ErrorCode::kUnavailable, down.dependency + " is unavailable: " + down.detail},
            version);
      }
      co_return json_response(status::ok, readiness_json(*report), version);
    }
    case Route::kMetrics: {
      Response response{status::ok, version};
      response.set(field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response.set(field::cache_control, "no-store");
      measure_at_scrape();
      response.body() = services_.metrics.render();
      response.prepare_payload();
      co_return response;
    }
    case Route::kPolls:
      if (request.method() == verb::post) co_return co_await create_poll(request, trace);
      co_return json_response(status::ok,
                              polls_json(services_.polls.list(has_admin_token(request))), version);
    case Route::kPoll: {
      const auto view = services_.polls.get(match.poll_id);
      if (!view.ok()) co_return error_response(view.error(), version);
      co_return json_response(status::ok, poll_json(*view.value().poll, view.value().status),
                              version);
    }
    case Route::kChallenge:
      co_return co_await issue_challenge(request, match, client, trace);
    case Route::kVotes:
      co_return co_await cast_vote(request, match, client, trace);
    case Route::kResults: {
      const auto results = services_.results.results(match.poll_id);
      if (!results.ok()) co_return error_response(results.error(), version);
      co_return json_response(status::ok, results_json(results.value()), version);
    }
    case Route::kStats: {
      const auto stats = services_.results.stats(match.poll_id);
      if (!stats.ok()) co_return error_response(stats.error(), version);
      co_return json_response(status::ok, stats_json(stats.value()), version);
    }
    case Route::kStatsMinutes:
      co_return co_await minutes(request, match);
    case Route::kOpen:
    case Route::kClose:
      co_return co_await transition(request, match, trace);
    case Route::kQuarantine:
      co_return co_await quarantine(request, match);
    case Route::kQuarantineRelease:
    case Route::kQuarantineVoid:
      co_return co_await decide(request, match, trace);
    case Route::kWatch:
      co_return co_await watch(request, match, trace);
    case Route::kAudit:
      co_return co_await audit(request, match, trace);
    case Route::kWebPage:
      co_return co_await vote_page(request, match, client);
    case Route::kAdminPage:
    case Route::kWebFile:
      co_return web(request, match);
    case Route::kNotFound:
      break;
  }
  co_return error_response({ErrorCode::kNotFound, "no route"}, version);
}

Task<Response> Api::create_poll(const Request& request, const TraceContext& trace) {
  const unsigned version = request.version();
  const auto body = parse_json_body(request.body());
  if (!body.ok()) co_return error_response(body.error(), version);
  auto new_poll = parse_new_poll(body.value());
  if (!new_poll.ok()) co_return error_response(new_poll.error(), version);
  auto create = [this, poll = std::move(new_poll).value()] { return services_.admin.create(poll); };
  auto created = co_await run_blocking(blocking_, std::move(create));
  if (!created.ok()) co_return error_response(created.error(), version);
  const auto& view = created.value();
  log::info("poll_created", log::traced(trace, {{"poll_id", view.poll->id}}));
  co_return json_response(status::created, poll_json(*view.poll, view.status), version);
}

Task<Response> Api::transition(const Request& request, const RouteMatch& match,
                               const TraceContext& trace) {
  const bool open = match.route == Route::kOpen;
  auto change = [this, open, id = match.poll_id] {
    return open ? services_.admin.open(id) : services_.admin.close(id);
  };
  auto changed = co_await run_blocking(blocking_, std::move(change));
  if (!changed.ok()) co_return error_response(changed.error(), request.version());
  log::info(open ? "poll_opened" : "poll_closed", log::traced(trace, {{"poll_id", match.poll_id}}));
  co_return json_response(status::ok, poll_json(*changed.value().poll, changed.value().status),
                          request.version());
}

Task<Result<IssuedChallenge>> Api::challenge_for(
    const std::string& poll_id, const Network& client, const TraceContext& trace,
    std::optional<std::chrono::milliseconds> deadline) {
  // The use case gets its own copies: with a deadline this coroutine may be gone before it answers.
  auto issue = [this, poll_id, client](auto done) {
    services_.challenges.issue(poll_id, client, std::move(done));
  };
  // Not `deadline ? co_await … : co_await …`: g++ 12 mishandles co_await inside ?: (the result
  // came back as freed memory).
  Result<IssuedChallenge> issued{Error{ErrorCode::kInternal, "not issued"}};
  if (deadline) {
    issued = co_await resume_within<IssuedChallenge>(*deadline, issue);
  } else {
    issued = co_await resume_here<IssuedChallenge>(issue);
  }
  if (!issued.ok()) {
    if (issued.error().code == ErrorCode::kRateLimited) {
      services_.metrics.count_rate_limited("challenge");
      // Aggregated per network by the log's repeat filter: a line, then one per interval.
      log::warn("rate_limited",
                log::traced(trace, {{"network", client.cidr()}, {"kind", "challenge"}}));
    }
    co_return issued;
  }
  services_.metrics.count_challenge_issued(issued.value().work);
  if (issued.value().over_human_pace) services_.metrics.note_network_over_human_pace(client);
  if (issued.value().crossed_human_pace) {
    services_.metrics.count_network_over_human_pace();
    log::warn("network_over_human_pace",
              log::traced(trace, {{"network", client.cidr()}, {"pace", issued.value().pace}}));
  }
  co_return issued;
}

Task<Response> Api::issue_challenge(const Request& request, const RouteMatch& match,
                                    const Network& client, const TraceContext& trace) {
  auto issued = co_await challenge_for(match.poll_id, client, trace);
  if (!issued.ok()) co_return error_response(issued.error(), request.version());
  auto response = json_response(status::ok, std::move(issued.value().document), request.version());
  response.set("Paredao-Work", std::to_string(issued.value().work));
  co_return response;
}

Task<Response> Api::cast_vote(const Request& request, const RouteMatch& match,
                              const Network& client, const TraceContext& trace) {
  const unsigned version = request.version();
  // A vote body is under 1 KiB of JSON: parse it into an arena in this coroutine's frame.
  unsigned char arena[2048];
  boost::json::monotonic_resource resource(arena, sizeof arena);
  const auto body = parse_json_body(request.body(), &resource);
  if (!body.ok()) {
    services_.metrics.count_vote_refused("invalid_json");
    co_return error_response(body.error(), version);
  }
  auto vote = parse_vote(body.value(), match.poll_id);
  vote.network = client;
  vote.trace = trace;
  auto outcome = co_await resume_here<VoteReceipt>(
      [&](auto done) { services_.votes.cast(std::move(vote), std::move(done)); });
  if (!outcome.ok()) {
    const auto code = describe(outcome.error().code).code;
    services_.metrics.count_vote_refused(code);
    if (outcome.error().code == ErrorCode::kRateLimited) {
      services_.metrics.count_rate_limited("vote");
      log::warn("rate_limited", log::traced(trace, {{"network", client.cidr()}, {"kind", "vote"}}));
    }
    if (outcome.error().code == ErrorCode::kHumanCheckFailed) {
      log::write(log::Level::kWarn, "human_check_refused",
                 log::traced(trace, {{"code", code}, {"detail", outcome.error().detail}}));
    }
    co_return error_response(outcome.error(), version);
  }
  services_.metrics.count_vote_accepted();
  if (const auto& receipt = outcome.value(); !receipt.held_reason.empty()) {
    services_.metrics.count_vote_held(receipt.held_reason);
    if (receipt.first_held) {
      log::warn("network_quarantined", log::traced(trace, {{"network", client.cidr()},
                                                           {"poll_id", receipt.poll->id},
                                                           {"reason", receipt.held_reason}}));
    }
  }
  co_return json_response(status::accepted, receipt_json(outcome.value()), version);
}

Response Api::web(const Request& request, const RouteMatch& match) const {
  const StaticFile* file = match.route == Route::kWebPage ? services_.web->index()
                           : match.route == Route::kAdminPage
                               ? services_.web->find("/admin.html")
                               : services_.web->find(request.target());
  if (!file) {
    const auto detail = match.route != Route::kWebFile && services_.web->size() == 0
                            ? std::string("the web front end is not built (run: make web)")
                            : "no file at " + std::string(request.target());
    return error_response({ErrorCode::kNotFound, detail}, request.version());
  }
  Response response{status::ok, request.version()};
  response.set(field::content_type, file->content_type);
  response.set(field::cache_control, file->cache_control);
  response.set("X-Content-Type-Options", "nosniff");
  if (file->gzip || file->brotli) {
    response.set(field::vary, "Accept-Encoding");
    const auto encoding = choose_encoding(request[field::accept_encoding], *file);
    if (!encoding.empty()) response.set(field::content_encoding, encoding);
    response.body() = encoding == "br"     ? *file->brotli
                      : encoding == "gzip" ? *file->gzip
                                           : file->body;
  } else {
    response.body() = file->body;
  }
  response.prepare_payload();
  return response;
}

}  // namespace paredao::http
