// The built-in loader strategies. They register themselves when the relate::loaders
// library is linked; register_builtin() exists for programs that link it in unusual
// ways (e.g. the bare archive without whole-archive linking).
#pragma once

namespace relate::loaders {

void register_builtin();

}  // namespace relate::loaders
