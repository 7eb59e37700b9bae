#include "adapters/http/static_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace paredao::http {
namespace {

TEST(ChooseEncoding, BrotliThenGzipThenIdentityAsTheClientAllows) {
  const StaticFile both{"plain", "text/javascript", "no-cache", "GZ", "BR"};
  EXPECT_EQ(choose_encoding("gzip, deflate, br", both), "br");
  EXPECT_EQ(choose_encoding("gzip", both), "gzip");
  EXPECT_EQ(choose_encoding("br;q=0, gzip;q=0.5", both), "gzip");
  EXPECT_EQ(choose_encoding("br;q=0.0,gzip;q=0", both), "");
  EXPECT_EQ(choose_encoding("*", both), "br");
  EXPECT_EQ(choose_encoding("", both), "");
  EXPECT_EQ(choose_encoding("identity", both), "");
  const StaticFile gzip_only{"plain", "text/css", "no-cache", "GZ", std::nullopt};
  EXPECT_EQ(choose_encoding("br, gzip", gzip_only), "gzip");
  EXPECT_EQ(choose_encoding("br", gzip_only), "");
}

TEST(StaticFiles, CompressedCopiesAttachToTheirFile) {
  namespace fs = std::filesystem;
  const auto root = fs::temp_directory_path() / ("paredao-static-" + std::to_string(::getpid()));
  fs::create_directories(root / "assets");
  std::ofstream(root / "assets" / "app-1.js") << "plain";
  std::ofstream(root / "assets" / "app-1.js.gz") << "GZ";
  std::ofstream(root / "assets" / "app-1.js.br") << "BR";
  std::ofstream(root / "index.html") << "<!doctype html>";
  const StaticFiles files(root);
  const auto* app = files.find("/assets/app-1.js");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->body, "plain");
  EXPECT_EQ(app->gzip, "GZ");
  EXPECT_EQ(app->brotli, "BR");
  EXPECT_EQ(app->cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(files.find("/assets/app-1.js.gz"), nullptr) << "not served as a file of its own";
  ASSERT_NE(files.index(), nullptr);
  EXPECT_FALSE(files.index()->gzip);
  EXPECT_EQ(files.index()->cache_control, "no-cache");
  fs::remove_all(root);
}

}  // namespace
}  // namespace paredao::http
