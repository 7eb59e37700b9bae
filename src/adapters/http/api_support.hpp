#pragma once
// What the route handlers of Api (api.cpp, api_review.cpp) share: JSON and error responses, and
// running a blocking use case off the I/O thread.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <string>
#include <type_traits>

#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"
#include "app/result.hpp"

namespace paredao::http {

inline Response json_response(beast_http::status code, std::string body, unsigned version) {
  Response response{code, version};
  response.set(beast_http::field::content_type, "application/json");
  response.set(beast_http::field::cache_control, "no-store");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

inline Response error_response(const Error& error, unsigned version) {
  return problem_response(error, version);
}

// Runs a blocking call on `pool` and resumes the awaiting coroutine on its own executor. Not a
// coroutine itself: g++ 12 mishandles lambda temporaries passed to coroutine parameters.
template <class Fn>
auto run_blocking(boost::asio::thread_pool& pool, Fn fn) {
  using Value = std::invoke_result_t<Fn>;
  return boost::asio::async_initiate<const UseTask, void(Value)>(
      [&pool](auto handler, Fn call) {
        auto executor = boost::asio::get_associated_executor(handler);
        boost::asio::post(
            pool, [call = std::move(call), handler = std::move(handler), executor]() mutable {
              auto value = call();
              boost::asio::post(executor,
                                [handler = std::move(handler), value = std::move(value)]() mutable {
                                  std::move(handler)(std::move(value));
                                });
            });
      },
      use_task, std::move(fn));
}

}  // namespace paredao::http
