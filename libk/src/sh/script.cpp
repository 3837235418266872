// Running a script from a descriptor (sh/executor.hpp): read, cut at newlines, parse what is
// complete, run it, keep the rest. A quote or an operator that continues on the next line
// (ParseErrorKind::Incomplete) waits for more lines.
#include "executor_internal.hpp"

namespace sh {

namespace {

// The bytes read but not yet run, at most kMaxInput of them.
struct Pending {
  char bytes[kMaxInput];
  usize length = 0;
  usize searched = 0;  // bytes before this hold no newline that ends a complete command

  void drop(usize n) {
    for (usize i = n; i < length; ++i) bytes[i - n] = bytes[i];
    length -= n;
    searched = 0;
  }
  StringView view(usize n) const { return {bytes, n}; }
};

usize find_newline(const Pending& p) {
  for (usize i = p.searched; i < p.length; ++i)
    if (p.bytes[i] == '\n') return i;
  return StringView::npos;
}

}  // namespace

i64 Executor::run_script(i32 fd, bool interactive) {
  Pending pending;
  bool end = false;
  bool skipping = false;
  while (!exit_requested_) {
    usize newline = find_newline(pending);
    if (newline == StringView::npos && !end) {
      if (pending.length == sizeof(pending.bytes)) {
        say_formatted(system_, "a command longer than {} bytes; skipped", kMaxInput);
        pending.drop(pending.length);
        skipping = true;
      }
      // A prompt only at the start of a line: the primary one before a new command, the
      // continuation prompt when complete lines hold an incomplete command.
      if (interactive && (pending.length == 0 || pending.bytes[pending.length - 1] == '\n'))
        system_.prompt(pending.length > 0);
      auto n =
          system_.read(fd, pending.bytes + pending.length, sizeof(pending.bytes) - pending.length);
      if (!n) {
        report("read", "", n.error());
        variables_.set_status(kStatusSyntax);
        return kStatusSyntax;
      }
      end = n.value() == 0;
      pending.length += n.value();
      continue;
    }
    usize take = newline == StringView::npos ? pending.length : newline + 1;
    if (skipping) {  // the rest of the line that was too long
      pending.drop(take);
      skipping = false;
      continue;
    }
    if (take == 0) break;  // the end, nothing left
    auto parsed = parse(pending.view(take), program_);
    if (!parsed && parsed.error().kind == ParseErrorKind::Incomplete &&
        newline != StringView::npos) {
      pending.searched = take;  // needs the next line too
      continue;
    }
    if (parsed) {
      run(program_);
    } else {
      report_parse_error(parsed.error());
      variables_.set_status(kStatusSyntax);
    }
    pending.drop(take);
  }
  return variables_.status();
}

}  // namespace sh
