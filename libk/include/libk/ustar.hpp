// A reader for USTAR archives (POSIX.1-2017, "pax" Interchange Format, §"ustar Interchange
// Format"): the initrd the loader hands the kernel as a boot module. The archive is
// untrusted bytes: every header is checked (its checksum, the magic, octal fields, the name)
// and every entry's data is proved to lie inside the archive before it is returned.
//
//   libk::ustar::Reader reader(archive);
//   while (true) {
//     auto entry = reader.next();          // Result<Optional<Entry>, Error>
//     if (!entry) ...                      // malformed: entry.error() says where and why
//     if (!*entry.value()) break;          // the end marker (a zero block)
//   }
//
// Only regular files and directories are offered as such; other types (links, devices) come
// back as EntryType::Other, their data skipped. GNU base-256 numbers and pax extended
// headers are refused: the archives Ember reads are built by tools/mkimage.py.
#pragma once

#include <libk/format.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <libk/string_view.hpp>

namespace libk::ustar {

inline constexpr usize kBlockSize = 512;
// prefix (155) + '/' + name (100).
inline constexpr usize kMaxPath = 256;

enum class Problem : u8 {
  Truncated,        // a header or an entry's data runs past the end of the archive
  NoEndMarker,      // the archive ends without a zero block
  BadChecksum,      // the header's checksum does not match its bytes
  BadMagic,         // not "ustar\0" (POSIX) nor "ustar " (GNU)
  BadNumber,        // an octal field holds something other than octal digits
  BadName,          // empty, not printable ASCII, or a ".." component
  UnsupportedType,  // pax extended header ('x', 'g') or GNU long name ('L', 'K')
};

struct Error {
  Problem problem;
  u64 offset;  // the header's offset in the archive
};

StringView problem_name(Problem p);

enum class EntryType : u8 { File, Directory, Other };

struct Entry {
  // The path without a leading "/" or "./" and without a trailing "/": "bin/hello".
  char path_buffer[kMaxPath + 1];
  usize path_length;
  EntryType type;
  u32 mode;    // permission bits
  Bytes data;  // inside the archive (empty for directories)
  u64 header_offset;

  StringView path() const { return {path_buffer, path_length}; }
};

class Reader {
 public:
  constexpr explicit Reader(Bytes archive) : archive_(archive) {}
  // The next entry, nullopt after the end marker (and on every call after that), or why the
  // archive is malformed (and the same error on every call after that).
  Result<Optional<Entry>, Error> next();

 private:
  Bytes archive_;
  u64 offset_ = 0;
  bool done_ = false;
  Optional<Error> failed_;
};

// Walks the whole archive; the number of entries, or the first problem.
Result<usize, Error> validate(Bytes archive);

// The first entry whose path is `path` (a leading "/" is ignored), nullopt if there is none.
Result<Optional<Entry>, Error> find(Bytes archive, StringView path);

// The path without leading "/" and "./" and without trailing "/" ("/bin/hello" → "bin/hello").
StringView normalize(StringView path);

}  // namespace libk::ustar

namespace libk {
template <>
struct Formatter<ustar::Error> {
  // "header at 0x400: checksum does not match".
  static void format(Sink& sink, const ustar::Error& e, const FormatSpec& spec);
};
}  // namespace libk
