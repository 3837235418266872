// The user shell's language (/bin/sh, docs/shell.md "The user shell"): a parser from text to
// a small syntax tree, pure freestanding logic built for the host (tests, fuzzer) and for user
// programs (user/programs/sh.cpp). Expansion (sh/expand.hpp) and execution (sh/executor.hpp)
// are separate steps.
//
// Grammar (a subset of POSIX sh, XCU 2.10):
//
//   program     = { separator } [ and_or { separator { separator } and_or } [ separator ] ]
//   separator   = ";" | "&" | newline
//   and_or      = pipeline { ( "&&" | "||" ) { newline } pipeline }
//   pipeline    = command { "|" { newline } command }
//   command     = { word | redirect }          (at least one word or redirect)
//   redirect    = [ digits ] ( "<" | ">" | ">>" ) word
//               | [ digits ] ( "<&" | ">&" ) ( digits | "-" )
//
// A word runs to an unquoted blank, newline or operator character (; & | < > ( )). Inside a
// word: '...' is literal; "..." is literal except for $NAME, ${NAME}, $? and the backslash
// before \ " $ ` or newline; a backslash outside quotes takes the next character literally
// (before a newline it joins two lines). A "#" at the start of a word starts a comment to the
// end of the line. "&" after an and_or runs it in the background. Digits directly before a
// redirection operator name the descriptor (default: 0 for <, 1 for >).
//
// The tree keeps each word's raw text (a view into the caller's input, which must outlive
// it) and its column; expansion removes the quotes later. Storage is fixed (no allocation):
// the limits below give a ParseError of kind Limit, never a crash. There is no nesting
// (subshells and braces are not part of the language: "(" is a syntax error).
//
// Errors carry the column (1-based) and a message: "sh: syntax error at 7: expected a
// command after '|'". Input that ends inside a quote, after a trailing backslash or after
// "|", "&&" or "||" gives kind Incomplete: an interactive shell reads another line, appends
// it (with its newline) and parses again; a script treats it as an error.
#pragma once

#include <libk/fixed_vector.hpp>
#include <libk/result.hpp>
#include <libk/string_view.hpp>

namespace sh {

using libk::StringView;

inline constexpr usize kMaxInput = 4096;    // bytes of text per parse
inline constexpr usize kMaxWords = 128;     // words (arguments and redirection targets)
inline constexpr usize kMaxRedirects = 32;  // redirections in one program
inline constexpr usize kMaxCommands = 64;   // simple commands in one program
inline constexpr usize kMaxPipeline = 8;    // commands in one pipeline
inline constexpr usize kMaxPipelines = 32;  // pipelines in one program
inline constexpr usize kMaxAndOrs = 32;     // and-or lists in one program
inline constexpr u32 kMaxFd = 63;           // the largest descriptor number in a redirection

struct Word {
  StringView raw;  // as written, quotes included
  u32 column;      // 1-based column of its first byte
};

enum class RedirectKind : u8 {
  Input,   // n<word   (n defaults to 0): open word for reading
  Output,  // n>word   (n defaults to 1): create or truncate word for writing
  Append,  // n>>word  (n defaults to 1): create word, write at its end
  Dup,     // n>&m, n<&m: n becomes a copy of m
  Close,   // n>&-, n<&-: n is closed
};

struct Redirect {
  RedirectKind kind;
  u32 fd;       // the descriptor it changes
  u32 source;   // Dup: the descriptor copied
  Word target;  // Input/Output/Append: the file name, unexpanded
};

struct Command {
  u16 first_word, word_count;          // into Program::words
  u16 first_redirect, redirect_count;  // into Program::redirects, in source order
};

enum class Connector : u8 { First, And, Or };  // how a pipeline joins the one before it

struct Pipeline {
  u16 first_command, command_count;  // into Program::commands
  Connector connector;
};

struct AndOr {
  u16 first_pipeline, pipeline_count;  // into Program::pipelines
  bool background;                     // ended by "&"
};

struct Program {
  libk::FixedVector<Word, kMaxWords> words;
  libk::FixedVector<Redirect, kMaxRedirects> redirects;
  libk::FixedVector<Command, kMaxCommands> commands;
  libk::FixedVector<Pipeline, kMaxPipelines> pipelines;
  libk::FixedVector<AndOr, kMaxAndOrs> and_ors;

  void clear();
};

enum class ParseErrorKind : u8 { Syntax, Incomplete, Limit };

struct ParseError {
  ParseErrorKind kind;
  u32 column;           // 1-based; one past the end for errors at the end of the input
  const char* message;  // static text, e.g. "expected a command after '|'"
};

// Parses `text` into `out` (cleared first). On error `out` holds what was parsed before it.
[[nodiscard]] libk::Result<void, ParseError> parse(StringView text, Program& out);

// Writes "syntax error at COLUMN: MESSAGE" (or "... limit ...") into buffer; returns its
// length (cut to the buffer).
usize describe(const ParseError& error, char* buffer, usize size);

}  // namespace sh
