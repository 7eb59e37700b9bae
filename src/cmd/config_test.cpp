#include "cmd/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace paredao {
namespace {

GetEnv env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

TEST(ServeConfig, DefaultsWithoutFlagsOrEnvironment) {
  const auto result = parse_serve_config({}, env_of({}));
  ASSERT_TRUE(std::holds_alternative<ServeConfig>(result));
  const auto& config = std::get<ServeConfig>(result);
  EXPECT_EQ(config.listen.host, "127.0.0.1");
  EXPECT_EQ(config.listen.port, 8080);
  EXPECT_TRUE(config.demo);
  EXPECT_FALSE(config.admin_token);
}

TEST(ServeConfig, FlagsWinOverEnvironment) {
  const auto result = parse_serve_config(
      {"--listen", "[::1]:9000", "--pow-difficulty=1000", "--no-demo"},
      env_of({{"PAREDAO_LISTEN", "0.0.0.0:80"}, {"PAREDAO_ADMIN_TOKEN", "secret-token"}}));
  ASSERT_TRUE(std::holds_alternative<ServeConfig>(result));
  const auto& config = std::get<ServeConfig>(result);
  EXPECT_EQ(config.listen.host, "::1");
  EXPECT_EQ(config.listen.port, 9000);
  EXPECT_EQ(config.pow_difficulty, 1000u);
  EXPECT_FALSE(config.demo);
  EXPECT_EQ(config.admin_token, "secret-token");
}

TEST(ServeConfig, NoDemoFromEnvironment) {
  const auto config =
      std::get<ServeConfig>(parse_serve_config({}, env_of({{"PAREDAO_NO_DEMO", "1"}})));
  EXPECT_FALSE(config.demo);
}

TEST(ServeConfig, NamesTheBadSetting) {
  auto error = [](std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    const auto result = parse_serve_config(args, env_of(env));
    return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
  };
  EXPECT_EQ(error({"--listen", "8080"}).rfind("--listen", 0), 0u);
  EXPECT_EQ(error({"--pow-difficulty", "0"}).rfind("--pow-difficulty", 0), 0u);
  EXPECT_EQ(error({"--pow-difficulty", "12x"}).rfind("--pow-difficulty", 0), 0u);
  EXPECT_EQ(error({"--bogus"}).rfind("unknown option --bogus", 0), 0u);
  EXPECT_EQ(error({"--data-dir"}), "--data-dir needs a value");
  EXPECT_EQ(error({}, {{"PAREDAO_POW_DIFFICULTY", "-3"}}).rfind("PAREDAO_POW_DIFFICULTY", 0), 0u);
  EXPECT_EQ(error({"--admin-token", "short"}).rfind("--admin-token", 0), 0u);
}

TEST(ServeConfig, Help) {
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(parse_serve_config({"--help"}, env_of({}))));
}

TEST(ParseListen, AcceptsHostPortForms) {
  EXPECT_EQ(parse_listen("localhost:0")->port, 0);
  EXPECT_FALSE(parse_listen("127.0.0.1:70000"));
  EXPECT_FALSE(parse_listen("::1:80"));
  EXPECT_FALSE(parse_listen(":80"));
}

}  // namespace
}  // namespace paredao
