// What the type-erased layers know of a model's shape: its type, its C++ name, its
// members' names and where each lies in the object. Computed once per model, so that
// naming a member (&Post::title, in a mapping option or a query) costs one small
// function per member pointer and leaves the rest to the library.
#pragma once

#include <cstddef>
#include <relate/export.hpp>
#include <relate/orm/member_ref.hpp>
#include <relate/reflect.hpp>
#include <string_view>
#include <typeindex>

namespace relate::detail {

// The C++ name of a type, read from the compiler's signature of a function template.
template <class T>
constexpr std::string_view type_name() {
  std::string_view s = __PRETTY_FUNCTION__;
#if defined(__clang__)
  const std::string_view key = "T = ";
  const std::size_t begin = s.find(key) + key.size();
  const std::size_t end = s.find(']', begin);
#else
  const std::string_view key = "T = ";
  const std::size_t begin = s.find(key) + key.size();
  std::size_t end = s.find(';', begin);
  if (end == std::string_view::npos) end = s.find(']', begin);
#endif
  return s.substr(begin, end - begin);
}

struct ModelReflection {
  std::type_index type;
  std::string_view name;
  std::size_t field_count;
  const std::string_view* field_names;  // field_count of them, in declaration order
  const std::size_t* field_offsets;     // byte offset of each field
};

template <class T>
const ModelReflection& model_reflection() {
  static constexpr auto names = reflect::field_names<T>();
  static const ModelReflection reflection{typeid(T), type_name<T>(), names.size(), names.data(),
                                          reflect::field_offsets<T>().data()};
  return reflection;
}

// The member of `model` at byte `offset`; std::invalid_argument if no field starts
// there (a pointer to a member of a nested subobject).
RELATE_API MemberRef member_at(const ModelReflection& model, std::size_t offset);

template <class T, class M>
MemberRef member_ref(M T::*member) {
  return member_at(model_reflection<T>(), reflect::member_offset(member));
}

}  // namespace relate::detail
