#pragma once
// Where the adapter integration tests find the real servers: PAREDAO_POSTGRES_URL,
// PAREDAO_REDIS_URL and PAREDAO_AMQP_URL (`make test` starts them with deploy/local/servers.sh
// and exports these). A missing variable fails the test: these tests never skip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

namespace paredao::integration {

inline std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) {
    ADD_FAILURE() << name << " is not set: start the servers with deploy/local/servers.sh start";
    return "";
  }
  return value;
}

// A name no other test run uses, for databases, queues and key prefixes.
inline std::string unique_name(const std::string& stem) {
  static std::mt19937_64 random{std::random_device{}()};
  return stem + std::to_string(random() % 1'000'000'000'000ULL);
}

}  // namespace paredao::integration
