// RELATE_API marks the declarations Relate's libraries export. The libraries are
// compiled with hidden visibility, so a shared build exports its public API and
// nothing else: internals stay free to change, and load and link times stay short.
// Static builds ignore it. GCC and Clang need no separate import spelling.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define RELATE_API __attribute__((visibility("default")))
#else
#define RELATE_API
#endif
