#include <libk/demangle.hpp>

namespace libk {

namespace {

constexpr usize kMaxOutput = 256;
constexpr usize kMaxComponents = 32;

// Operator names — Itanium C++ ABI §5.1.5.
struct OperatorName {
  const char code[3];
  const char* name;
};
constexpr OperatorName kOperators[] = {
    {"nw", "operator new"},      {"na", "operator new[]"}, {"dl", "operator delete"},
    {"da", "operator delete[]"}, {"pl", "operator+"},      {"mi", "operator-"},
    {"ml", "operator*"},         {"dv", "operator/"},      {"rm", "operator%"},
    {"an", "operator&"},         {"or", "operator|"},      {"eo", "operator^"},
    {"aS", "operator="},         {"pL", "operator+="},     {"mI", "operator-="},
    {"eq", "operator=="},        {"ne", "operator!="},     {"lt", "operator<"},
    {"gt", "operator>"},         {"le", "operator<="},     {"ge", "operator>="},
    {"ss", "operator<=>"},       {"nt", "operator!"},      {"aa", "operator&&"},
    {"oo", "operator||"},        {"ix", "operator[]"},     {"cl", "operator()"},
    {"pt", "operator->"},        {"ls", "operator<<"},     {"rs", "operator>>"},
    {"pp", "operator++"},        {"mm", "operator--"},     {"co", "operator~"},
};

class Parser {
 public:
  Parser(StringView in, BufferSink& out) : in_(in), out_(out) {}

  bool mangled_name() {
    if (!consume("_Z")) return false;
    if (peek() == 'N') return nested_name();
    return unscoped_name();
  }

 private:
  char peek() const { return pos_ < in_.size() ? in_[pos_] : '\0'; }
  bool consume(StringView s) {
    if (in_.substr(pos_, s.size()) != s) return false;
    pos_ += s.size();
    return true;
  }

  // <source-name> ::= <positive length number> <identifier>
  bool source_name(StringView& name) {
    u64 length = 0;
    usize digits = 0;
    while (peek() >= '0' && peek() <= '9') {
      length = length * 10 + u64(in_[pos_++] - '0');
      if (++digits > 4) return false;  // no identifier in a symbol table is that long
    }
    if (digits == 0 || length == 0 || length > in_.size() - pos_) return false;
    name = in_.substr(pos_, length);
    pos_ += length;
    return true;
  }

  void write_identifier(StringView name) {
    if (name.starts_with("_GLOBAL__N"))
      out_.write("(anonymous namespace)");
    else
      out_.write(name);
  }

  bool operator_name() {
    if (pos_ + 2 > in_.size()) return false;
    StringView code = in_.substr(pos_, 2);
    for (const OperatorName& op : kOperators) {
      if (code == StringView(op.code, 2)) {
        pos_ += 2;
        out_.write(op.name);
        return true;
      }
    }
    return false;
  }

  // <ctor-dtor-name> ::= C1 | C2 | C3 | D0 | D1 | D2 — named after the enclosing class.
  bool ctor_dtor_name(StringView enclosing) {
    char kind = peek();
    if ((kind != 'C' && kind != 'D') || enclosing.empty() || pos_ + 1 >= in_.size()) return false;
    char variant = in_[pos_ + 1];
    if (variant < '0' || variant > '5') return false;
    pos_ += 2;
    if (kind == 'D') out_.put('~');
    write_identifier(enclosing);
    return true;
  }

  // One component of a name; `last` is the previous component's identifier.
  bool unqualified_name(StringView& last) {
    consume("L");  // internal linkage (GCC and Clang emit it for some statics)
    char c = peek();
    if (c >= '1' && c <= '9') {
      if (!source_name(last)) return false;
      write_identifier(last);
      return true;
    }
    if (c == 'C' || c == 'D') return ctor_dtor_name(last);
    if (c >= 'a' && c <= 'z') return operator_name();
    return false;
  }

  // <nested-name> ::= N [<CV-qualifiers>] [<ref-qualifier>] <prefix> <unqualified-name> E
  bool nested_name() {
    ++pos_;  // 'N'
    while (peek() == 'r' || peek() == 'V' || peek() == 'K') ++pos_;
    if (peek() == 'R' || peek() == 'O') ++pos_;
    StringView last;
    usize components = 0;
    if (consume("St")) {
      out_.write("std");
      ++components;
    }
    while (peek() != 'E') {
      if (components == kMaxComponents) return false;
      if (components++ > 0) out_.write("::");
      if (!unqualified_name(last)) return false;
    }
    ++pos_;  // 'E'
    return components > 0;
  }

  // <unscoped-name> ::= <unqualified-name> | St <unqualified-name>
  bool unscoped_name() {
    if (consume("St")) out_.write("std::");
    StringView last;
    if (!unqualified_name(last)) return false;
    // A template argument list here would need a type parser: decline.
    return peek() != 'I';
  }

  StringView in_;
  usize pos_ = 0;
  BufferSink& out_;
};

}  // namespace

bool demangle(StringView mangled, Sink& out) {
  char buffer[kMaxOutput];
  BufferSink text(buffer, sizeof(buffer));
  Parser parser(mangled, text);
  if (!parser.mangled_name() || text.truncated()) return false;
  out.write(text.view());
  return true;
}

void write_symbol_name(Sink& out, StringView mangled) {
  if (!demangle(mangled, out)) out.write(mangled);
}

}  // namespace libk
