#include <libk/ustar.hpp>
#include <libk/utility.hpp>

namespace libk::ustar {

namespace {

// Field offsets and widths in a header block (POSIX.1-2017, ustar Interchange Format).
struct Field {
  usize offset, size;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kSize{124, 12}, kChecksum{148, 8}, kMagic{257, 6},
    kPrefix{345, 155};
constexpr usize kTypeFlag = 156;

using Err = Unexpected<Error>;

Err fail(Problem p, u64 offset) { return {Error{p, offset}}; }

bool all_zero(const u8* block) {
  for (usize i = 0; i < kBlockSize; ++i)
    if (block[i] != 0) return false;
  return true;
}

// An octal number: optional leading spaces, octal digits, then NUL or space padding to the
// end of the field (an all-padding field is 0).
Optional<u64> octal(const u8* block, Field f) {
  usize i = 0;
  while (i < f.size && block[f.offset + i] == ' ') ++i;
  u64 value = 0;
  for (; i < f.size; ++i) {
    u8 c = block[f.offset + i];
    if (c == 0 || c == ' ') break;
    if (c < '0' || c > '7') return nullopt;
    value = value << 3 | u64(c - '0');  // at most 12 digits: 36 bits, no overflow
  }
  for (; i < f.size; ++i)
    if (block[f.offset + i] != 0 && block[f.offset + i] != ' ') return nullopt;
  return value;
}

// The checksum counts every header byte as unsigned, the checksum field as eight spaces.
bool checksum_matches(const u8* block, u64 stored) {
  u64 sum = 0;
  for (usize i = 0; i < kBlockSize; ++i)
    sum += (i >= kChecksum.offset && i < kChecksum.offset + kChecksum.size) ? u8(' ') : block[i];
  return sum == stored;
}

bool magic_ok(const u8* block) {
  const u8* m = block + kMagic.offset;
  return m[0] == 'u' && m[1] == 's' && m[2] == 't' && m[3] == 'a' && m[4] == 'r' &&
         (m[5] == 0 || m[5] == ' ');
}

// A field's text up to its first NUL (or the whole field).
StringView text(const u8* block, Field f) {
  const char* s = reinterpret_cast<const char*>(block + f.offset);
  usize n = 0;
  while (n < f.size && s[n] != 0) ++n;
  return {s, n};
}

// Every component non-empty after normalisation, none "..", printable ASCII only.
bool path_ok(StringView path) {
  if (path.empty()) return false;
  usize start = 0;
  for (usize i = 0; i <= path.size(); ++i) {
    if (i < path.size() && (path[i] < 0x20 || path[i] > 0x7e)) return false;
    if (i < path.size() && path[i] != '/') continue;
    if (path.substr(start, i - start) == "..") return false;
    start = i + 1;
  }
  return true;
}

Result<void, Error> build_path(const u8* block, u64 offset, Entry& e) {
  StringView prefix = text(block, kPrefix), name = text(block, kName);
  usize n = 0;
  auto append = [&](StringView s) {
    for (char c : s) e.path_buffer[n++] = c;
  };
  append(prefix);
  if (!prefix.empty()) e.path_buffer[n++] = '/';
  append(name);  // 155 + 1 + 100 = kMaxPath: always fits
  StringView path = normalize({e.path_buffer, n});
  if (!path_ok(path)) return fail(Problem::BadName, offset);
  // Move the normalised path to the buffer's start.
  for (usize i = 0; i < path.size(); ++i) e.path_buffer[i] = path[i];
  e.path_length = path.size();
  e.path_buffer[e.path_length] = 0;
  return {};
}

EntryType type_of(u8 flag) {
  if (flag == '0' || flag == 0 || flag == '7') return EntryType::File;
  if (flag == '5') return EntryType::Directory;
  return EntryType::Other;
}

}  // namespace

StringView normalize(StringView path) {
  while (true) {
    if (path.starts_with("/"))
      path = path.substr(1);
    else if (path.starts_with("./"))
      path = path.substr(2);
    else
      break;
  }
  while (path.ends_with("/")) path = path.substr(0, path.size() - 1);
  if (path == ".") return {};
  return path;
}

Result<Optional<Entry>, Error> Reader::next() {
  if (failed_) return Err{*failed_};
  if (done_) return Optional<Entry>{};
  auto result = [&]() -> Result<Optional<Entry>, Error> {
    if (offset_ == archive_.size()) return fail(Problem::NoEndMarker, offset_);
    if (!archive_.contains_range(offset_, kBlockSize)) return fail(Problem::Truncated, offset_);
    const u8* block = archive_.data() + offset_;
    if (all_zero(block)) {
      done_ = true;
      return Optional<Entry>{};
    }
    auto checksum = octal(block, kChecksum);
    if (!checksum) return fail(Problem::BadNumber, offset_);
    if (!checksum_matches(block, *checksum)) return fail(Problem::BadChecksum, offset_);
    if (!magic_ok(block)) return fail(Problem::BadMagic, offset_);
    u8 flag = block[kTypeFlag];
    if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K')
      return fail(Problem::UnsupportedType, offset_);
    auto size = octal(block, kSize);
    auto mode = octal(block, kMode);
    if (!size || !mode) return fail(Problem::BadNumber, offset_);
    Entry e{};
    e.header_offset = offset_;
    e.type = type_of(flag);
    e.mode = u32(*mode & 07777);
    TRY(build_path(block, offset_, e));
    // Directories, links and devices carry no data in a ustar archive (their size field
    // should be 0; a non-zero one is skipped like a file's).
    u64 data_at = offset_ + kBlockSize, padded = 0, next = 0;
    if (!archive_.contains_range(data_at, *size) || !checked_align_up(*size, kBlockSize, padded) ||
        !checked_add(data_at, padded, next) || next > archive_.size())
      return fail(Problem::Truncated, offset_);
    if (e.type == EntryType::File) e.data = archive_.subspan(data_at, *size);
    offset_ = next;
    return Optional<Entry>{e};
  }();
  if (!result) failed_ = result.error();
  return result;
}

Result<usize, Error> validate(Bytes archive) {
  Reader reader(archive);
  usize count = 0;
  while (true) {
    auto entry = TRY(reader.next());
    if (!entry) return count;
    ++count;
  }
}

Result<Optional<Entry>, Error> find(Bytes archive, StringView path) {
  StringView wanted = normalize(path);
  Reader reader(archive);
  while (true) {
    auto entry = TRY(reader.next());
    if (!entry || entry->path() == wanted) return entry;
  }
}

StringView problem_name(Problem p) {
  switch (p) {
    case Problem::Truncated: return "truncated";
    case Problem::NoEndMarker: return "no-end-marker";
    case Problem::BadChecksum: return "bad-checksum";
    case Problem::BadMagic: return "bad-magic";
    case Problem::BadNumber: return "bad-number";
    case Problem::BadName: return "bad-name";
    case Problem::UnsupportedType: return "unsupported-type";
  }
  return "unknown";
}

}  // namespace libk::ustar

namespace libk {

void Formatter<ustar::Error>::format(Sink& s, const ustar::Error& e, const FormatSpec&) {
  using ustar::Problem;
  const char* what = "unknown problem";
  switch (e.problem) {
    case Problem::Truncated: what = "header or data runs past the end of the archive"; break;
    case Problem::NoEndMarker: what = "the archive ends without its end marker"; break;
    case Problem::BadChecksum: what = "checksum does not match"; break;
    case Problem::BadMagic: what = "not a ustar header (bad magic)"; break;
    case Problem::BadNumber: what = "a numeric field is not octal"; break;
    case Problem::BadName: what = "bad path (empty, not printable, or with \"..\")"; break;
    case Problem::UnsupportedType: what = "pax or GNU long-name headers are not supported"; break;
  }
  format_to(s, "header at {:#x}: {}", e.offset, what);
}

}  // namespace libk
