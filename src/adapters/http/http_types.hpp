#pragma once
#include <boost/beast/http.hpp>

namespace paredao::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using RequestHeader = beast_http::request_header<>;
using Response = beast_http::response<beast_http::string_body>;

// Limits of the contract and of this server.
constexpr std::size_t kMaxBodyBytes = 8192;    // larger bodies: 413 before parsing
constexpr std::size_t kMaxHeaderBytes = 8192;  // request line + headers: 414 / 431 beyond

}  // namespace paredao::http
