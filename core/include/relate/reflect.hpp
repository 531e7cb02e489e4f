// Compile-time reflection of plain aggregates, built on Boost.PFR: how many fields a
// model has, what each member is called, typed access by index, and which field a
// member pointer designates. Nothing here knows about databases.
#pragma once

#include <array>
#include <boost/pfr/core.hpp>
#include <boost/pfr/tuple_size.hpp>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

namespace relate::reflect {

namespace detail {

// The one place Boost.PFR is asked about a model: a type that is not an aggregate
// fails here, in Relate's words, and never reaches PFR (whose own error asks to be
// reported as a PFR bug).
template <class T>
struct aggregate_fields {
  static_assert(std::is_aggregate_v<T>,
                "A Relate model must be an aggregate: a struct with public members and no "
                "constructors (not even `T() = default;`), virtual functions or private "
                "members. Remove the constructors of the model named T in the lines above and "
                "give its members default member initializers (`std::int64_t id = 0;`); create "
                "its objects with designated initializers (T{.name = \"...\"}) or a function "
                "that returns one.");
  static constexpr std::size_t count() {
    if constexpr (std::is_aggregate_v<T>) {
      return boost::pfr::tuple_size_v<T>;
    } else {
      return 0;
    }
  }
};

}  // namespace detail

template <class T>
inline constexpr std::size_t field_count = detail::aggregate_fields<T>::count();

namespace detail {

// Declared, never defined: only the addresses of its subobjects are used, in constant
// expressions, so the linker never needs it.
template <class T>
extern const T fake_object;

template <class P>
struct subobject {
  const P* pointer;
};

template <auto Subobject>
constexpr auto signature() {
  // The return type must stay `auto`: spelled out, GCC appends it to the signature.
  return std::string_view{__PRETTY_FUNCTION__};
}

constexpr bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The signature ends with "...fake_object<T>.T::member)}]" (GCC) or
// "...fake_object.member}]" (clang): the member name is the last identifier.
constexpr std::string_view last_identifier(std::string_view s) {
  std::size_t end = s.size();
  while (end > 0 && !is_identifier_char(s[end - 1])) --end;
  std::size_t begin = end;
  while (begin > 0 && is_identifier_char(s[begin - 1])) --begin;
  return s.substr(begin, end - begin);
}

template <class T, std::size_t I>
constexpr std::string_view field_name_impl() {
#if defined(BOOST_PFR_CORE_NAME_ENABLED) && BOOST_PFR_CORE_NAME_ENABLED
  return boost::pfr::get_name<I, T>();
#else
  using member_type = std::remove_cvref_t<decltype(boost::pfr::get<I>(fake_object<T>))>;
  return last_identifier(signature<subobject<member_type>{&boost::pfr::get<I>(fake_object<T>)}>());
#endif
}

template <class T, std::size_t... I>
constexpr auto field_names_impl(std::index_sequence<I...>) {
  return std::array<std::string_view, sizeof...(I)>{field_name_impl<T, I>()...};
}

// Storage for a T whose lifetime never starts: it exists only to measure where each
// member lies, so models need not be default-constructible to be reflected.
template <class T>
union probe {
  char none;
  T value;
  probe() : none() {}
  ~probe() {}
};

// One per model, never constructed as a T: see member_offset().
template <class T>
const probe<T>& probe_of() {
  static const probe<T> p;
  return p;
}

template <class T, std::size_t... I>
std::array<std::size_t, sizeof...(I)> field_offsets_impl(std::index_sequence<I...>) {
  const T& object = probe_of<T>().value;
  const auto* base = reinterpret_cast<const unsigned char*>(std::addressof(object));
  return {static_cast<std::size_t>(
      reinterpret_cast<const unsigned char*>(std::addressof(boost::pfr::get<I>(object))) -
      base)...};
}

}  // namespace detail

// The member names of T, in declaration order.
template <class T>
constexpr std::array<std::string_view, field_count<T>> field_names() {
  return detail::field_names_impl<T>(std::make_index_sequence<field_count<T>>{});
}

template <class T, std::size_t I>
inline constexpr std::string_view field_name = detail::field_name_impl<T, I>();

template <std::size_t I, class T>
constexpr decltype(auto) get(T& object) {
  return boost::pfr::get<I>(object);
}

// (Through a const T, as field_names() and field_offsets() reach the fields: one
// instantiation of boost::pfr::get per field serves all three.)
template <class T, std::size_t I>
using field_type = std::remove_cvref_t<decltype(boost::pfr::get<I>(std::declval<const T&>()))>;

// Byte offset of each field inside T, computed once.
template <class T>
const std::array<std::size_t, field_count<T>>& field_offsets() {
  static const auto offsets =
      detail::field_offsets_impl<T>(std::make_index_sequence<field_count<T>>{});
  return offsets;
}

// Byte offset inside T of the member a member pointer designates.
template <class T, class M>
std::size_t member_offset(M T::*member) {
  const T& object = detail::probe_of<T>().value;
  return static_cast<std::size_t>(
      reinterpret_cast<const unsigned char*>(std::addressof(object.*member)) -
      reinterpret_cast<const unsigned char*>(std::addressof(object)));
}

// The index of the field a member pointer designates. A pointer to a member of a
// nested subobject matches no field and throws std::invalid_argument.
template <class T, class M>
std::size_t field_index(M T::*member) {
  const std::size_t offset = member_offset(member);
  const auto& offsets = field_offsets<T>();
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] == offset) return i;
  }
  throw std::invalid_argument("member pointer does not designate a direct field");
}

}  // namespace relate::reflect
