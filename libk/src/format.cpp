#include <libk/format.hpp>

namespace libk {

namespace {

constexpr char kLowerDigits[] = "0123456789abcdef";
constexpr char kUpperDigits[] = "0123456789ABCDEF";

void write_fill(Sink& sink, char fill, usize count) {
  char chunk[32];
  for (char& c : chunk) c = fill;
  while (count > 0) {
    usize n = count < sizeof(chunk) ? count : sizeof(chunk);
    sink.write(StringView(chunk, n));
    count -= n;
  }
}

// Renders `value` in `base` into the end of `buf`; returns the first used index.
usize render_digits(u64 value, u32 base, bool upper, char* buf, usize size) {
  const char* digits = upper ? kUpperDigits : kLowerDigits;
  usize pos = size;
  do {
    buf[--pos] = digits[value % base];
    value /= base;
  } while (value != 0);
  return pos;
}

struct IntParts {
  StringView sign;
  StringView prefix;
  StringView digits;
};

void write_number(Sink& sink, const IntParts& parts, const FormatSpec& spec) {
  usize length = parts.sign.size() + parts.prefix.size() + parts.digits.size();
  if (spec.zero_pad && spec.align == 0) {
    sink.write(parts.sign);
    sink.write(parts.prefix);
    if (spec.width > length) write_fill(sink, '0', spec.width - length);
    sink.write(parts.digits);
    return;
  }
  usize pad = spec.width > length ? spec.width - length : 0;
  char align = spec.align ? spec.align : '>';
  usize left = align == '>' ? pad : align == '^' ? pad / 2 : 0;
  write_fill(sink, spec.fill, left);
  sink.write(parts.sign);
  sink.write(parts.prefix);
  sink.write(parts.digits);
  write_fill(sink, spec.fill, pad - left);
}

void write_integer(Sink& sink, bool negative, u64 magnitude, const FormatSpec& spec) {
  u32 base = 10;
  StringView prefix;
  switch (spec.type) {
    case 'x': base = 16, prefix = "0x"; break;
    case 'X': base = 16, prefix = "0X"; break;
    case 'b': base = 2, prefix = "0b"; break;
    case 'o': base = 8, prefix = "0o"; break;
    default: break;
  }
  char buf[72];
  usize first = render_digits(magnitude, base, spec.type == 'X', buf, sizeof(buf));
  IntParts parts{negative ? StringView("-") : StringView(), spec.alternate ? prefix : StringView(),
                 StringView(buf + first, sizeof(buf) - first)};
  write_number(sink, parts, spec);
}

void write_char(Sink& sink, char c, const FormatSpec& spec) {
  write_padded(sink, StringView(&c, 1), spec);
}

void write_arg(Sink& sink, const FormatArg& arg, const FormatSpec& spec) {
  switch (arg.kind) {
    case ArgKind::Signed: {
      if (spec.type == 'c') return write_char(sink, char(arg.s), spec);
      bool negative = arg.s < 0;
      u64 magnitude = negative ? u64(0) - u64(arg.s) : u64(arg.s);
      return write_integer(sink, negative, magnitude, spec);
    }
    case ArgKind::Unsigned:
      if (spec.type == 'c') return write_char(sink, char(arg.u), spec);
      return write_integer(sink, false, arg.u, spec);
    case ArgKind::Bool:
      if (spec.type == 'd') return write_integer(sink, false, arg.b ? 1 : 0, spec);
      return write_padded(sink, arg.b ? "true" : "false", spec);
    case ArgKind::Char:
      if (spec.type == 'd' || spec.type == 'x' || spec.type == 'X')
        return write_integer(sink, false, u8(arg.c), spec);
      return write_char(sink, arg.c, spec);
    case ArgKind::String: {
      StringView s(arg.str.data, arg.str.size);
      if (spec.precision >= 0) s = s.substr(0, usize(spec.precision));
      return write_padded(sink, s, spec);
    }
    case ArgKind::Pointer: {
      FormatSpec p = spec;
      p.type = 'x';
      p.alternate = true;
      if (p.width == 0 && spec.type != 'x') p.zero_pad = true, p.width = 18;
      return write_integer(sink, false, arg.u, p);
    }
    case ArgKind::Custom: return arg.custom.fn(sink, arg.custom.object, spec);
  }
}

}  // namespace

void write_padded(Sink& sink, StringView text, const FormatSpec& spec, char default_align) {
  usize pad = spec.width > text.size() ? spec.width - text.size() : 0;
  char align = spec.align ? spec.align : default_align;
  usize left = align == '>' ? pad : align == '^' ? pad / 2 : 0;
  write_fill(sink, spec.fill, left);
  sink.write(text);
  write_fill(sink, spec.fill, pad - left);
}

void write_unsigned(Sink& sink, u64 value, const FormatSpec& spec) {
  write_integer(sink, false, value, spec);
}

void vformat(Sink& sink, StringView fmt, const FormatArg* args, usize count) {
  usize next_arg = 0;
  usize literal_start = 0;
  for (usize i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '{' && c != '}') continue;
    sink.write(fmt.substr(literal_start, i - literal_start));
    if (i + 1 < fmt.size() && fmt[i + 1] == c) {  // "{{" or "}}"
      sink.put(c);
      literal_start = ++i + 1;
      continue;
    }
    FormatSpec spec;
    usize close = c == '{' ? format_detail::parse_spec(fmt, i + 1, spec) : StringView::npos;
    if (close == StringView::npos || next_arg >= count) {
      // Only reachable with a RuntimeFormat: checked strings cannot get here. The whole
      // field (up to its '}', if any) becomes one "{?}".
      sink.write("{?}");
      usize end = c == '{' ? fmt.find('}', i + 1) : i;
      i = end == StringView::npos ? fmt.size() : end;
      literal_start = i + 1;
      continue;
    }
    write_arg(sink, args[next_arg++], spec);
    i = close;
    literal_start = close + 1;
  }
  sink.write(fmt.substr(literal_start));
}

void BufferSink::write(StringView text) {
  if (capacity_ == 0) {
    truncated_ |= !text.empty();
    return;
  }
  usize room = capacity_ - 1 - length_;
  usize n = text.size() < room ? text.size() : room;
  for (usize i = 0; i < n; ++i) buffer_[length_ + i] = text[i];
  length_ += n;
  buffer_[length_] = '\0';
  if (n < text.size()) truncated_ = true;
}

void Formatter<Decimal>::format(Sink& sink, const Decimal& d, const FormatSpec& spec) {
  // 10^19 is the largest power of ten in a u64; beyond 19 decimals every i64 is < 1, so
  // the integer part is 0 and the fraction is the value itself, zero-padded on the left.
  u64 divisor = 1;
  for (u32 i = 0; i < d.decimals && i < 19; ++i) divisor *= 10;
  if (d.decimals > 19) divisor = 0;
  bool negative = d.scaled < 0;
  u64 magnitude = negative ? u64(0) - u64(d.scaled) : u64(d.scaled);
  char buf[48];
  BufferSink out(buf, sizeof(buf));
  if (negative) out.put('-');
  format_to(out, "{}", divisor ? magnitude / divisor : 0);
  if (d.decimals > 0) {
    FormatSpec frac;
    frac.zero_pad = true;
    frac.width = d.decimals;
    out.put('.');
    write_unsigned(out, divisor ? magnitude % divisor : magnitude, frac);
  }
  write_padded(sink, out.view(), spec, '>');
}

void Formatter<ByteSize>::format(Sink& sink, const ByteSize& b, const FormatSpec& spec) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  u64 value = b.bytes;
  u32 unit = 0;
  u64 rem = 0;
  while (value >= 1024 && unit + 1 < array_size(kUnits)) {
    rem = value % 1024;
    value /= 1024;
    ++unit;
  }
  char buf[32];
  BufferSink out(buf, sizeof(buf));
  if (unit == 0) {
    format_to(out, "{} B", value);
  } else {
    u64 tenth = rem * 10 / 1024;
    if (tenth == 0)
      format_to(out, "{} {}", value, kUnits[unit]);
    else
      format_to(out, "{}.{} {}", value, tenth, kUnits[unit]);
  }
  write_padded(sink, out.view(), spec, '>');
}

}  // namespace libk
