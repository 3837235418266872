// libFuzzer harness for the shell's input path: serial bytes -> SerialInputDecoder ->
// LineEditor -> (on Enter) tokenize + Dispatcher, as kernel/shell runs it.
//
// Invariants checked after every byte: the line is at most kCapacity bytes of well-formed
// UTF-8 and the cursor sits on a character boundary inside it. Seeds: typing sessions with
// escape sequences, history and completion (tests/fuzz/corpus/shell/).
#include <cstdlib>

#include <libk/line_editor.hpp>
#include <libk/shell.hpp>
#include <libk/utf8.hpp>

namespace {

using namespace libk;

struct NullSink final : Sink {
  void write(StringView text) override { bytes += text.size(); }
  usize bytes = 0;
};

shell::Status nothing(const shell::Invocation&) { return shell::Status::Ok; }

constexpr shell::Command kCommands[] = {
    {"help", "", "help", "", 0, 1, nothing},
    {"echo", "[TEXT...]", "echo", "", 0, 15, nothing},
    {"shutdown", "", "off", "", 0, 0, nothing},
};

struct Names final : line::Completer {
  void complete(StringView before, StringView word, Candidates& out) override {
    if (!before.empty()) return;
    for (const shell::Command& c : kCommands)
      if (c.name.starts_with(word) && !out.push_back(c.name)) return;
  }
};

void check(const line::LineEditor& editor) {
  StringView l = editor.line();
  if (l.size() > line::LineEditor::kCapacity || editor.cursor() > l.size()) abort();
  if (editor.cursor() < l.size() && (u8(l[editor.cursor()]) & 0xC0) == 0x80) abort();
  bool bad = false;
  decode_utf8(l, [&](char32_t c) { bad |= c == kReplacementCharacter; });
  if (bad) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const u8* data, size_t size) {
  static line::LineHistory history;  // shared across inputs, like the kernel's
  NullSink out;
  Names names;
  line::LineEditor editor(history, size > 0 ? 20 + data[0] % 100 : 80);
  editor.set_completer(&names);
  line::SerialInputDecoder decoder;
  shell::Dispatcher dispatcher(kCommands);
  editor.begin("ember> ", out);
  for (size_t i = 1; i < size; ++i) {
    auto in = decoder.feed(data[i]);
    if (!in) continue;
    auto outcome = editor.handle(*in, out);
    check(editor);
    if (outcome == line::LineEditor::Outcome::Submitted) dispatcher.execute(editor.line(), out);
    if (outcome != line::LineEditor::Outcome::Editing) editor.begin("ember> ", out);
  }
  return 0;
}
