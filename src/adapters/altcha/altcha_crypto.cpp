#include "adapters/altcha/altcha_crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <stdexcept>

namespace paredao::altcha {

Key derive_sha256(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> nonce,
                  std::uint32_t counter, std::int64_t cost) {
  const std::uint8_t counter_bytes[4] = {std::uint8_t(counter >> 24), std::uint8_t(counter >> 16),
                                         std::uint8_t(counter >> 8), std::uint8_t(counter)};
  Key key;
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, salt.data(), salt.size());
  SHA256_Update(&context, nonce.data(), nonce.size());
  SHA256_Update(&context, counter_bytes, sizeof counter_bytes);
  SHA256_Final(key.data(), &context);
  for (std::int64_t round = 1; round < cost; ++round) SHA256(key.data(), key.size(), key.data());
  return key;
}

std::string_view algorithm_name(Algorithm algorithm) {
  return algorithm == Algorithm::kScrypt ? "SCRYPT" : "SHA-256";
}

std::optional<Algorithm> algorithm_from_name(std::string_view name) {
  if (name == "SHA-256") return Algorithm::kSha256;
  if (name == "SCRYPT") return Algorithm::kScrypt;
  return std::nullopt;
}

Key derive(const Derivation& derivation, std::span<const std::uint8_t> salt,
           std::span<const std::uint8_t> nonce, std::uint32_t counter) {
  if (derivation.algorithm == Algorithm::kSha256) {
    return derive_sha256(salt, nonce, counter, derivation.cost);
  }
  std::array<std::uint8_t, 64> password{};
  if (nonce.size() + 4 > password.size()) throw std::runtime_error("nonce too long");
  std::copy(nonce.begin(), nonce.end(), password.begin());
  const std::uint8_t counter_bytes[4] = {std::uint8_t(counter >> 24), std::uint8_t(counter >> 16),
                                         std::uint8_t(counter >> 8), std::uint8_t(counter)};
  std::copy(std::begin(counter_bytes), std::end(counter_bytes), password.begin() + nonce.size());
  Key key;
  const auto n = std::uint64_t(derivation.cost), r = std::uint64_t(derivation.memory_cost);
  // Room for scrypt's own buffers (128 × N × r for V, 256 × r for the block), with a margin.
  const std::uint64_t max_memory = std::uint64_t{256} * n * r + (std::uint64_t{1} << 20);
  if (EVP_PBE_scrypt(reinterpret_cast<const char*>(password.data()), nonce.size() + 4, salt.data(),
                     salt.size(), n, r, 1, max_memory, key.data(), key.size()) != 1) {
    throw std::runtime_error("OpenSSL refused the scrypt parameters");
  }
  return key;
}

std::optional<std::string> check_derivation(const Derivation& derivation) {
  if (derivation.algorithm == Algorithm::kSha256) {
    if (derivation.cost < 1) return "the SHA-256 cost must be at least 1";
    return std::nullopt;
  }
  const auto n = derivation.cost;
  if (n < 2 || n > (1 << 20) || (n & (n - 1)) != 0) {
    return "the scrypt cost N must be a power of two from 2 to 1048576";
  }
  if (derivation.memory_cost < 1 || derivation.memory_cost > 64) {
    return "the scrypt block size r must be from 1 to 64";
  }
  try {
    const std::uint8_t bytes[16] = {};
    (void)derive(derivation, bytes, bytes, 0);
  } catch (const std::exception& e) {
    return e.what();
  }
  return std::nullopt;
}

HmacSha256::HmacSha256(std::string_view key) {
  constexpr std::size_t kBlock = 64;
  std::array<std::uint8_t, kBlock> block{};
  if (key.size() > kBlock) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block.data());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<std::uint8_t, kBlock> pad;
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&inner_);
  SHA256_Update(&inner_, pad.data(), pad.size());
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&outer_);
  SHA256_Update(&outer_, pad.data(), pad.size());
}

Key HmacSha256::sign(std::string_view message) const {
  Key inner_digest, mac;
  SHA256_CTX context = inner_;
  SHA256_Update(&context, message.data(), message.size());
  SHA256_Final(inner_digest.data(), &context);
  context = outer_;
  SHA256_Update(&context, inner_digest.data(), inner_digest.size());
  SHA256_Final(mac.data(), &context);
  return mac;
}

std::optional<std::string> from_base64(std::string_view text) {
  // 0..63 for the alphabet, 0x40 for '=', 0x80 for anything else: OR-ing a quad's four values
  // tells at once whether it holds anything but the alphabet (every vote decodes ~600 characters,
  // so there is no branch per character).
  static constexpr std::uint8_t kPad = 0x40, kInvalid = 0x80;
  static constexpr auto kTable = [] {
    std::array<std::uint8_t, 256> table{};
    table.fill(kInvalid);
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < kAlphabet.size(); ++i)
      table[std::uint8_t(kAlphabet[i])] = std::uint8_t(i);
    table[std::uint8_t('=')] = kPad;
    return table;
  }();
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  const std::size_t padding = text.back() != '=' ? 0 : text[text.size() - 2] == '=' ? 2 : 1;
  std::string decoded(text.size() / 4 * 3 - padding, '\0');
  const auto* in = reinterpret_cast<const std::uint8_t*>(text.data());
  auto* out = reinterpret_cast<std::uint8_t*>(decoded.data());
  const std::size_t full_quads = text.size() / 4 - 1;  // the last one may hold the padding
  for (std::size_t q = 0; q < full_quads; ++q, in += 4, out += 3) {
    const std::uint32_t a = kTable[in[0]], b = kTable[in[1]], c = kTable[in[2]], d = kTable[in[3]];
    if ((a | b | c | d) & (kPad | kInvalid)) return std::nullopt;  // '=' only at the very end
    const std::uint32_t quad = a << 18 | b << 12 | c << 6 | d;
    out[0] = std::uint8_t(quad >> 16);
    out[1] = std::uint8_t(quad >> 8);
    out[2] = std::uint8_t(quad);
  }
  // The last quad: its final `padding` characters are '=', the others from the alphabet.
  std::uint32_t quad = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const auto value = kTable[in[k]];
    const bool pad_here = k >= 4 - padding;
    if (pad_here ? value != kPad : value >= kPad) return std::nullopt;
    quad = quad << 6 | (pad_here ? 0 : value);
  }
  out[0] = std::uint8_t(quad >> 16);
  if (padding < 2) out[1] = std::uint8_t(quad >> 8);
  if (padding < 1) out[2] = std::uint8_t(quad);
  return decoded;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace paredao::altcha
