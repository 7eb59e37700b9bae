#include "app/readiness.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace paredao {
namespace {

class SwitchProbe final : public HealthProbe {
 public:
  SwitchProbe(std::string name, Health when_down) : name_(std::move(name)), when_down_(when_down) {}
  DependencyHealth probe() override {
    ++probes;
    if (up) return {.dependency = name_};
    return {.dependency = name_, .health = when_down_, .detail = "switched off"};
  }
  std::atomic<bool> up{true};
  std::atomic<int> probes{0};

 private:
  const std::string name_;
  const Health when_down_;
};

// Waits until `check` holds on a fresh report (probing runs on its own thread).
template <class Check>
bool eventually(const Readiness& readiness, Check check) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < limit) {
    if (check(*readiness.report())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

TEST(Readiness, FollowsLiveProbesBothWays) {
  SwitchProbe disk("sqlite", Health::kDown);
  Readiness readiness({&disk}, std::chrono::milliseconds(5));
  EXPECT_TRUE(readiness.report()->ready) << "probed before the constructor returned";
  disk.up = false;
  EXPECT_TRUE(eventually(readiness, [](const auto& r) { return !r.ready; }));
  EXPECT_EQ(readiness.report()->not_up.front().dependency, "sqlite");
  // Back without any vote succeeding in between: ready again.
  disk.up = true;
  EXPECT_TRUE(eventually(readiness, [](const auto& r) { return r.ready && r.not_up.empty(); }));
}

TEST(Readiness, ADegradedDependencyIsNamedWithoutStoppingVotes) {
  SwitchProbe redis("redis", Health::kDown), postgres("postgres", Health::kDegraded);
  postgres.up = false;
  Readiness readiness({&postgres, &redis}, std::chrono::milliseconds(5));
  auto report = readiness.report();
  EXPECT_TRUE(report->ready);
  ASSERT_EQ(report->not_up.size(), 1u);
  EXPECT_EQ(report->not_up[0].dependency, "postgres");
  redis.up = false;
  EXPECT_TRUE(eventually(readiness, [](const auto& r) { return !r.ready; }));
  report = readiness.report();
  ASSERT_EQ(report->not_up.size(), 2u);
  EXPECT_EQ(report->not_up[0].dependency, "redis") << "what stops votes comes first";
}

TEST(Readiness, StopsProbing) {
  SwitchProbe disk("sqlite", Health::kDown);
  Readiness readiness({&disk}, std::chrono::milliseconds(1));
  readiness.stop();
  const int probes = disk.probes;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(disk.probes, probes);
}

}  // namespace
}  // namespace paredao
