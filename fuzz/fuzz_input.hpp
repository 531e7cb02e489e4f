// The fuzzer's bytes read as a sequence of choices, front to back. Once the bytes run
// out every choice is its smallest, so any input builds a finite, valid choice list.
// (LLVM's FuzzedDataProvider does the same; this one needs no clang header, so the
// fuzz targets also build with GCC for the corpus replay that `make test` runs.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace relate_fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  // An integer from lo to hi, both included.
  template <class T>
  T take_in(T lo, T hi) {
    static_assert(std::is_integral_v<T>);
    using U = std::make_unsigned_t<T>;
    const std::uint64_t span = static_cast<std::uint64_t>(static_cast<U>(hi) - static_cast<U>(lo));
    std::uint64_t raw = 0;
    for (std::uint64_t covered = 0; covered < span && pos_ < size_; covered = covered << 8 | 0xff) {
      raw = raw << 8 | data_[pos_++];
    }
    const std::uint64_t offset = span == UINT64_MAX ? raw : raw % (span + 1);
    return static_cast<T>(static_cast<U>(static_cast<U>(lo) + static_cast<U>(offset)));
  }
  int take_in(int lo, int hi) { return take_in<int>(lo, hi); }

  bool take_bool() { return take_in<std::uint8_t>(0, 1) == 1; }
  // From 0 to 1.
  double take_probability() { return take_in<std::uint16_t>(0, 65535) / 65535.0; }
  // Any double, NaN and infinities included.
  double take_double() {
    const auto bits = take_in<std::uint64_t>(0, UINT64_MAX);
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  std::string take_string(std::size_t most) {
    const std::size_t n = take_in<std::size_t>(0, most);
    std::string out;
    for (std::size_t i = 0; i < n && pos_ < size_; ++i) out += static_cast<char>(data_[pos_++]);
    return out;
  }
  template <class T, std::size_t N>
  const T& pick(const T (&choices)[N]) {
    return choices[take_in<std::size_t>(0, N - 1)];
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace relate_fuzz
