// The shell's command language, as pure logic: splitting a line into words, and running the
// command a table names, with help text, usage checks and suggestions for mistakes. The
// kernel defines the table (kernel/shell/); host tests drive this with a fake one.
//
// Words are separated by spaces or tabs. "double" and 'single' quotes group words (no
// expansion inside either); a backslash outside single quotes takes the next character
// literally.
#pragma once

#include <libk/fixed_vector.hpp>
#include <libk/format.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>

namespace libk::shell {

inline constexpr usize kMaxWords = 16;
inline constexpr usize kMaxLine = 256;

enum class TokenizeError : u8 { UnterminatedQuote, TrailingBackslash, TooManyWords, TooLong };
StringView tokenize_error_text(TokenizeError e);

// The words of a line. Their text lives in this object (quotes removed, escapes applied).
class Words {
 public:
  Span<const StringView> all() const { return words_.span(); }
  usize size() const { return words_.size(); }
  bool empty() const { return words_.empty(); }
  StringView operator[](usize i) const { return words_[i]; }

 private:
  friend Result<void, TokenizeError> tokenize(StringView line, Words& out);
  FixedVector<StringView, kMaxWords> words_;
  char storage_[kMaxLine] = {};
};

Result<void, TokenizeError> tokenize(StringView line, Words& out);

// What a command's handler reports.
enum class Status : u8 {
  Ok,
  BadArguments,  // the handler printed what is wrong; the dispatcher adds the usage line
  Failed,        // the handler printed why
  Unknown,       // no such command (dispatcher only)
};

struct Command;

struct Invocation {
  const Command& command;
  Span<const StringView> args;  // after the command name
  Sink& out;
  void* context;  // the caller's, passed through
};

struct Command {
  StringView name;
  StringView arguments;  // the usage after the name, e.g. "[-n COUNT]"; empty if none
  StringView summary;    // one line, for `help`
  StringView details;    // more lines for `help NAME` (may be empty)
  u8 min_args;
  u8 max_args;
  Status (*run)(const Invocation& call);
};

// Edit distance with adjacent transpositions (optimal string alignment), capped: returns
// `cap` + 1 for anything farther than `cap`. Case-sensitive.
usize edit_distance(StringView a, StringView b, usize cap);

class Dispatcher {
 public:
  explicit Dispatcher(Span<const Command> commands) : commands_(commands) {}

  // Tokenizes and runs `line`. Empty lines do nothing (Ok). `help [NAME]` and
  // `NAME --help` / `NAME -h` are handled here for every command (a table entry named
  // "help" only gives `help` its place and text in the list; its handler is not called). An unknown
  // command gets a message naming the closest known one, a wrong number of arguments the usage
  // line.
  Status execute(StringView line, Sink& out, void* context = nullptr) const;

  const Command* find(StringView name) const;
  // What runs a line whose first word is not a command (the kernel shell: a program from the
  // initrd). It gets every word, the command name first; returning Unknown makes the
  // dispatcher report an unknown command as it does without a fallback.
  using Fallback = Status (*)(Span<const StringView> words, Sink& out, void* context);
  void set_fallback(Fallback fallback) { fallback_ = fallback; }

  // The known command closest to `name` (a prefix of it, or within a small edit
  // distance), or nullptr.
  const Command* closest(StringView name) const;

  void print_help(Sink& out) const;
  void print_command_help(const Command& command, Sink& out) const;
  void print_usage(const Command& command, Sink& out) const;

  Span<const Command> commands() const { return commands_; }

 private:
  Status help(Span<const StringView> args, Sink& out) const;
  void report_unknown(StringView name, Sink& out) const;

  Span<const Command> commands_;
  Fallback fallback_ = nullptr;
};

}  // namespace libk::shell
