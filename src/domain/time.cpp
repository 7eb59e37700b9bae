#include "domain/time.hpp"

namespace paredao {
namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  int year, month, day, hour, minute, second;
  // "YYYY-MM-DDTHH:MM:SS" is 19 characters, then an optional fraction, then the offset.
  if (s.size() < 20 || !read_digits(s, 0, 4, year) || s[4] != '-' || !read_digits(s, 5, 2, month) ||
      s[7] != '-' || !read_digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
      !read_digits(s, 11, 2, hour) || s[13] != ':' || !read_digits(s, 14, 2, minute) ||
      s[16] != ':' || !read_digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                            std::chrono::day{unsigned(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (second == 60) second = 59;  // a leap second is folded into the second before it

  std::size_t pos = 19;
  int millis = 0;
  if (s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 3) millis = millis * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (std::size_t digits = pos - start; digits < 3; ++digits) millis *= 10;
  }
  if (pos >= s.size()) return std::nullopt;

  int offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !read_digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  const auto local =
      sys_days{date} + hours{hour} + minutes{minute} + seconds{second} + milliseconds{millis};
  return time_point_cast<milliseconds>(local - minutes{offset_minutes});
}

std::string format_rfc3339(TimePoint t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day_point = floor<days>(secs);
  const year_month_day date{day_point};
  const hh_mm_ss clock{secs - day_point};
  // Written digit by digit: this runs for every results document, and snprintf costs ten times
  // as much.
  std::string text = "0000-00-00T00:00:00Z";
  auto put = [&text](std::size_t at, unsigned value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) text[at + i] = char('0' + value % 10);
  };
  put(0, unsigned(int(date.year())), 4);
  put(5, unsigned(date.month()), 2);
  put(8, unsigned(date.day()), 2);
  put(11, unsigned(clock.hours().count()), 2);
  put(14, unsigned(clock.minutes().count()), 2);
  put(17, unsigned(clock.seconds().count()), 2);
  return text;
}

TimePoint floor_to_second(TimePoint t) { return std::chrono::floor<std::chrono::seconds>(t); }
TimePoint ceil_to_second(TimePoint t) { return std::chrono::ceil<std::chrono::seconds>(t); }
TimePoint hour_start(TimePoint t) { return std::chrono::floor<std::chrono::hours>(t); }
TimePoint minute_start(TimePoint t) { return std::chrono::floor<std::chrono::minutes>(t); }

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

TimePoint from_unix_seconds(std::int64_t seconds) {
  return TimePoint{std::chrono::seconds{seconds}};
}

}  // namespace paredao
