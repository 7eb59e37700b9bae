#include "adapters/http/boot_data.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

namespace paredao::http {
namespace {

TEST(BootData, ReplacesTheMarkerWithAJsonScript) {
  const auto page = with_boot_data("<head><!--paredao-boot--></head>", R"({"poll":{"id":"p"}})");
  EXPECT_EQ(
      page,
      R"(<head><script id="paredao-boot" type="application/json">{"poll":{"id":"p"}}</script></head>)");
}

TEST(BootData, NoValueCanCloseTheScript) {
  const auto page = with_boot_data("<!--paredao-boot-->", R"({"title":"</script><!--x"})");
  EXPECT_EQ(page.find("</script><!--x"), std::string::npos);
  EXPECT_NE(page.find(R"(\u003c/script>\u003c!--x)"), std::string::npos);
  EXPECT_EQ(page.rfind("</script>"), page.size() - 9);
}

TEST(BootData, APageWithoutTheMarkerIsUnchanged) {
  EXPECT_EQ(with_boot_data("<p>plain</p>", R"({"a":1})"), "<p>plain</p>");
}

}  // namespace
}  // namespace paredao::http

namespace paredao::http {
namespace {

// gunzip with zlib's own gzip reader (windowBits 16 + 15), as a browser would.
std::string gunzip(const std::string& coded) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 16 + MAX_WBITS), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(coded.data()));
  stream.avail_in = static_cast<uInt>(coded.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END) << (stream.msg ? stream.msg : "");
  EXPECT_EQ(stream.avail_in, 0u) << "bytes after the gzip member";
  out.resize(out.size() - stream.avail_out);
  inflateEnd(&stream);
  return out;
}

TEST(VotePageTemplate, GzipDecodesToThePlainPageWithItsCrcAndSize) {
  std::string html = "<!doctype html><head>";
  for (int i = 0; i < 2000; ++i) html += "<p>participante " + std::to_string(i) + "</p>";
  html += "<!--paredao-boot--><script>go()</script></body>";
  const VotePageTemplate page(html);
  for (const std::string& json :
       {std::string(R"({"poll":{"id":"p","title":"</script>"}})"), std::string("{}")}) {
    const auto plain = page.plain(json);
    EXPECT_EQ(plain, with_boot_data(html, json));
    const auto coded = page.gzip(json);
    EXPECT_LT(coded.size(), plain.size() / 4);
    EXPECT_EQ(gunzip(coded), plain);  // inflate checks the trailer's CRC-32 and length
  }
}

TEST(VotePageTemplate, APageWithoutTheMarkerIsServedAsItIs) {
  const VotePageTemplate page("<p>sem marcador</p>");
  EXPECT_EQ(page.plain(R"({"a":1})"), "<p>sem marcador</p>");
  EXPECT_EQ(gunzip(page.gzip(R"({"a":1})")), "<p>sem marcador</p>");
}

}  // namespace
}  // namespace paredao::http
