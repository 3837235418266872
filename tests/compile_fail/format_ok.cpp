// Must compile: the same calls as the format_*.cpp cases, written correctly. Proves that
// their failures come from the format strings, not from the setup.
#include <libk/format.hpp>

void well_formed(char* buffer, usize size) {
  libk::format_into(buffer, size, "{} and {}", 1, 2);
  libk::format_into(buffer, size, "{}", 1);
  libk::format_into(buffer, size, "name={:s} id={:#x}", "ember", 42u);
  libk::format_into(buffer, size, "value}} {{{}}}", 1);
  libk::format_into(buffer, size, "{:*^12} {:08.3} {:p} {:c} {:d}", "mid", "abcdef", nullptr, 'x',
                    true);
}
