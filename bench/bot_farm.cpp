// A bot farm on one core, for `make bench-bots`: it asks for a challenge, solves it natively (the
// same OpenSSL derivation the server checks, compared as bytes: as fast as a bot would), votes,
// and starts again, for SECONDS, spreading its requests over NETWORKS client addresses that a
// trusted proxy names in X-Forwarded-For (10.<run>.x.y). With --fan it is one person instead: one
// network voting once every 3 s, solving as the bot does (a fan's phone takes longer: see
// docs/decisions/0012). It prints one JSON line of what it got.
//
//   bot_farm HOST PORT POLL CANDIDATE NETWORKS SECONDS RUN [--fan]
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "adapters/altcha/altcha_solver.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

struct Answer {
  unsigned status = 0;
  std::string body;
};

// One request on a connection of its own (what a bot spreading over many addresses does).
Answer exchange(const std::string& host, const std::string& port, http::verb verb,
                const std::string& target, const std::string& client, const std::string& body) {
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve(host, port));
  http::request<http::string_body> request{verb, target, 11};
  request.set(http::field::host, host);
  request.set("X-Forwarded-For", client);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
  }
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return {response.result_int(), std::move(response.body())};
}

}  // namespace

int run(int argc, char** argv) {
  if (argc < 8) {
    std::cerr << "usage: bot_farm HOST PORT POLL CANDIDATE NETWORKS SECONDS RUN [--fan]\n";
    return 2;
  }
  const std::string host = argv[1], port = argv[2], poll = argv[3], candidate = argv[4];
  const long networks = std::max(1L, std::atol(argv[5]));
  const auto seconds = std::chrono::seconds(std::atol(argv[6]));
  const long run = std::atol(argv[7]) % 256;
  const bool fan = argc > 8 && std::string(argv[8]) == "--fan";

  long attempts = 0, accepted = 0, limited = 0, unavailable = 0, other = 0;
  std::chrono::duration<double> solving{0};
  const auto start = Clock::now();
  for (long i = 0; Clock::now() - start < seconds; ++i) {
    const auto began = Clock::now();
    const long n = fan ? 0 : i % networks;
    const std::string client = fan ? "10.255.255." + std::to_string(run)
                                   : "10." + std::to_string(run) + "." + std::to_string(n / 256) +
                                         "." + std::to_string(n % 256);
    ++attempts;
    const auto challenge =
        exchange(host, port, http::verb::get, "/api/v1/polls/" + poll + "/challenge", client, "");
    if (challenge.status != 200) {
      (challenge.status == 429 ? limited : challenge.status == 503 ? unavailable : other) += 1;
    } else {
      const auto solve_start = Clock::now();
      const auto payload = paredao::altcha::solve_to_payload(challenge.body);
      solving += Clock::now() - solve_start;
      const auto vote =
          exchange(host, port, http::verb::post, "/api/v1/polls/" + poll + "/votes", client,
                   boost::json::serialize(
                       boost::json::object{{"candidate_id", candidate}, {"altcha", payload}}));
      (vote.status == 202   ? accepted
       : vote.status == 429 ? limited
       : vote.status == 503 ? unavailable
                            : other) += 1;
    }
    if (fan) std::this_thread::sleep_until(began + std::chrono::seconds(3));
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << boost::json::serialize(boost::json::object{{"who", fan ? "fan" : "bot"},
                                                          {"networks", fan ? 1 : networks},
                                                          {"seconds", elapsed},
                                                          {"attempts", attempts},
                                                          {"accepted", accepted},
                                                          {"limited", limited},
                                                          {"unavailable", unavailable},
                                                          {"other", other},
                                                          {"solving_seconds", solving.count()}})
            << '\n';
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "bot_farm: " << e.what() << '\n';
    return 1;
  }
}
