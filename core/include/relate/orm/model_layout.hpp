// What MetaData::table<T>() hands the library: the model's reflection, and per member
// a pointer to the accessors of the member's type. Accessors exist once per C++ type
// (std::string, std::optional<std::int64_t>, one<Post>...), not once per member, and
// those of the built-in column types are compiled into the library: mapping a model
// instantiates little beyond its field list, and the Mapper is built by library code.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <relate/column_traits.hpp>
#include <relate/export.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/model_reflection.hpp>
#include <relate/reflect.hpp>
#include <relate/value.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace relate::detail {

template <class F>
struct relationship_member : std::false_type {};
template <class T>
struct relationship_member<one<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = false;
};
template <class T>
struct relationship_member<many<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = true;
};

// How the type-erased mapper reads and writes a member of one C++ type, given the
// member's address.
struct FieldAccess {
  enum class Kind : std::uint8_t { column, reference, collection, unmappable };
  Kind kind = Kind::unmappable;
  // Columns.
  ColumnType type = ColumnType::text;
  bool nullable = false;  // std::optional
  Value (*read)(const void* member) = nullptr;
  void (*write)(void* member, Value&& value) = nullptr;
  // Relationships (one<T>, many<T>): the target model.
  const std::type_info* target = nullptr;
  std::string_view target_name{};
  RelationshipAttribute* (*attribute)(void* member) = nullptr;
};

template <class F>
RELATE_API Value read_column(const void* member) {
  return column_traits<F>::to_value(*static_cast<const F*>(member));
}

template <class F>
RELATE_API void write_column(void* member, Value&& value) {
  assign_from_value<F>(*static_cast<F*>(member), std::move(value));
}

template <class F>
RelationshipAttribute* attribute_at(void* member) {
  return static_cast<F*>(member);
}

template <class F>
constexpr FieldAccess make_field_access() {
  FieldAccess a;
  if constexpr (relationship_member<F>::value) {
    using Target = typename relationship_member<F>::target;
    a.kind = relationship_member<F>::collection ? FieldAccess::Kind::collection
                                                : FieldAccess::Kind::reference;
    a.target = &typeid(Target);
    a.target_name = type_name<Target>();
    a.attribute = &attribute_at<F>;
  } else if constexpr (column_mappable<F>) {
    a.kind = FieldAccess::Kind::column;
    a.type = column_traits<F>::type;
    a.nullable = is_optional<F>::value;
    a.read = &read_column<F>;
    a.write = &write_column<F>;
  }
  return a;
}

template <class F>
inline constexpr FieldAccess field_access = make_field_access<F>();

// The column types Relate maps itself: their accessors are compiled into the library.
#define RELATE_COLUMN_ACCESS(extern_, F)              \
  extern_ template Value read_column<F>(const void*); \
  extern_ template void write_column<F>(void*, Value&&);
#define RELATE_BUILTIN_COLUMN_ACCESS(extern_)                          \
  RELATE_COLUMN_ACCESS(extern_, bool)                                  \
  RELATE_COLUMN_ACCESS(extern_, std::int16_t)                          \
  RELATE_COLUMN_ACCESS(extern_, std::int32_t)                          \
  RELATE_COLUMN_ACCESS(extern_, std::int64_t)                          \
  RELATE_COLUMN_ACCESS(extern_, double)                                \
  RELATE_COLUMN_ACCESS(extern_, std::string)                           \
  RELATE_COLUMN_ACCESS(extern_, Blob)                                  \
  RELATE_COLUMN_ACCESS(extern_, std::chrono::system_clock::time_point) \
  RELATE_COLUMN_ACCESS(extern_, std::optional<bool>)                   \
  RELATE_COLUMN_ACCESS(extern_, std::optional<std::int16_t>)           \
  RELATE_COLUMN_ACCESS(extern_, std::optional<std::int32_t>)           \
  RELATE_COLUMN_ACCESS(extern_, std::optional<std::int64_t>)           \
  RELATE_COLUMN_ACCESS(extern_, std::optional<double>)                 \
  RELATE_COLUMN_ACCESS(extern_, std::optional<std::string>)            \
  RELATE_COLUMN_ACCESS(extern_, std::optional<Blob>)                   \
  RELATE_COLUMN_ACCESS(extern_, std::optional<std::chrono::system_clock::time_point>)
RELATE_BUILTIN_COLUMN_ACCESS(extern)

struct ModelLayout {
  const ModelReflection& reflection;
  const FieldAccess* const* fields;  // reflection.field_count of them
  Construction construction;
};

template <std::size_t N>
struct fixed_string {
  char text[N + 1]{};
  constexpr fixed_string(std::string_view s) {
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
};

// Instantiated only for a member Relate cannot map; the compiler's note shows the
// model, the member's name and its type.
template <class Model, fixed_string MemberName, class MemberType>
struct member_type_not_mappable {
  static_assert(sizeof(MemberType) == 0,
                "Relate cannot map this member to a column: see Model, MemberName and "
                "MemberType in the line above. Use a supported type or specialise "
                "relate::column_traits<MemberType>.");
};

template <class T, std::size_t I>
constexpr void check_mappable() {
  using F = reflect::field_type<T, I>;
  if constexpr (field_access<F>.kind == FieldAccess::Kind::unmappable) {
    constexpr std::string_view name = reflect::field_name<T, I>;
    [[maybe_unused]] member_type_not_mappable<T, fixed_string<name.size()>(name), F> error;
  }
}

template <class T>
InstanceState* construct_instance(void* where) {
  return ::new (where) Holder<T>();
}

template <class T, std::size_t... I>
const ModelLayout& model_layout(std::index_sequence<I...>) {
  if constexpr (((field_access<reflect::field_type<T, I>>.kind == FieldAccess::Kind::unmappable) ||
                 ...)) {
    (check_mappable<T, I>(), ...);
  }
  // One more than the fields, for models without any.
  static constexpr const FieldAccess* fields[] = {&field_access<reflect::field_type<T, I>>...,
                                                  nullptr};
  static const ModelLayout layout{
      model_reflection<T>(), fields,
      Construction{&construct_instance<T>, sizeof(Holder<T>), alignof(Holder<T>)}};
  return layout;
}

template <class T>
const ModelLayout& model_layout() {
  static_assert(std::is_aggregate_v<T>, "A Relate model must be a plain aggregate struct.");
  static_assert(std::is_default_constructible_v<T>,
                "A Relate model must be default-constructible: objects loaded from the "
                "database are created empty and then filled.");
  return model_layout<T>(std::make_index_sequence<reflect::field_count<T>>{});
}

}  // namespace relate::detail
