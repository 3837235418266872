#include "tty/tty.hpp"

#include <libk/line_editor.hpp>

#include "console.hpp"
#include "proc/process.hpp"
#include "sched/wait_queue.hpp"
#include "sync/spinlock.hpp"

namespace kernel::tty {

namespace {

using fs::Error;
using fs::Result;

constexpr usize kInputBytes = 4096;
constexpr usize kMaxEofs = 8;

// Cooked input: lines the shell finished, not yet read. Positions count bytes ever pushed
// (`written`) and taken (`taken`); an end of file sits at a position (between lines).
struct Input {
  u8 bytes[kInputBytes] = {};
  u64 written = 0, taken = 0;
  u64 eofs[kMaxEofs] = {};
  usize eof_count = 0;
};

constinit SpinLock input_lock{"tty input", lock_rank::kDevice};
constinit Input input GUARDED_BY(input_lock);
constinit u64 readable = 0;  // atomic: bytes + ends of file waiting (the readers' condition)
constinit WaitQueue readers;

// The shell thread's: the editor of the line being typed.
constinit libk::line::LineHistory history;
constinit libk::line::LineEditor* editor = nullptr;
alignas(libk::line::LineEditor) constinit u8 editor_storage[sizeof(libk::line::LineEditor)];

class Echo final : public libk::Sink {
 public:
  void write(libk::StringView text) override { console::write(text); }
};

void push_locked(libk::StringView text, bool end_of_file) REQUIRES(input_lock) {
  input_lock.assert_held();
  usize n = 0;
  for (char c : text) {
    if (input.written - input.taken == kInputBytes) break;  // full: the rest is dropped
    input.bytes[input.written++ % kInputBytes] = u8(c);
    ++n;
  }
  if (end_of_file && input.eof_count < kMaxEofs) input.eofs[input.eof_count++] = input.written;
  __atomic_add_fetch(&readable, n + (end_of_file ? 1 : 0), __ATOMIC_RELEASE);
}

void push(libk::StringView text, bool end_of_file) EXCLUDES(input_lock) {
  {
    SpinLockGuard guard(input_lock);
    push_locked(text, end_of_file);
  }
  readers.wake_all();
}

// Takes up to one line (or one end of file: 0 bytes). False if nothing is there.
bool take(libk::Span<u8> out, usize& n) EXCLUDES(input_lock) {
  SpinLockGuard guard(input_lock);
  n = 0;
  if (input.eof_count > 0 && input.eofs[0] == input.taken) {
    for (usize i = 1; i < input.eof_count; ++i) input.eofs[i - 1] = input.eofs[i];
    --input.eof_count;
    __atomic_sub_fetch(&readable, 1, __ATOMIC_RELEASE);
    return true;
  }
  if (input.written == input.taken) return false;
  while (n < out.size() && input.taken < input.written) {
    if (input.eof_count > 0 && input.eofs[0] == input.taken) break;
    u8 c = input.bytes[input.taken++ % kInputBytes];
    out[n++] = c;
    if (c == '\n') break;
  }
  __atomic_sub_fetch(&readable, n, __ATOMIC_RELEASE);
  return true;
}

class Console final : public fs::Vnode {
 public:
  abi::FileType type() const override { return abi::FileType::Device; }
  abi::Stat stat() const override { return {abi::FileType::Device, 0620, 0}; }
  Result<usize> read(u64, libk::Span<u8> out) override {
    if (out.size() == 0) return usize(0);
    for (;;) {
      usize n = 0;
      if (take(out, n)) return n;
      if (proc::current_ending()) return libk::unexpected(Error::Interrupted);
      readers.wait_until([] {
        return __atomic_load_n(&readable, __ATOMIC_ACQUIRE) > 0 || proc::current_ending();
      });
    }
  }
  Result<usize> write(u64, libk::Bytes in) override {
    console::write({reinterpret_cast<const char*>(in.data()), in.size()});
    return in.size();
  }
};

constinit Console console_node;

libk::line::LineEditor& line_editor() {
  if (editor == nullptr) editor = new (editor_storage) libk::line::LineEditor(history, 80);
  return *editor;
}

}  // namespace

fs::Vnode& console_vnode() { return console_node; }

void begin_line() {
  Echo echo;
  line_editor().begin("", echo);
}

Fed feed(const libk::line::EditInput& in) {
  using libk::line::EditKey;
  using Outcome = libk::line::LineEditor::Outcome;
  Echo echo;
  auto& e = line_editor();
  if (in.key == EditKey::Cancel) {
    console::write("^C\n");
    e.begin("", echo);
    return Fed::Interrupt;
  }
  if (in.key == EditKey::Delete && e.line().empty()) {
    push({}, true);
    return Fed::Taken;
  }
  if (e.handle(in, echo) == Outcome::Submitted) {
    char line[libk::line::LineEditor::kCapacity + 1];
    usize n = e.line().size();
    __builtin_memcpy(line, e.line().data(), n);
    line[n++] = '\n';
    push({line, n}, false);
    e.begin("", echo);
  }
  return Fed::Taken;
}

void push_line(libk::StringView text) {
  {
    SpinLockGuard guard(input_lock);
    push_locked(text, false);
    push_locked("\n", false);
  }
  readers.wake_all();
}

void push_end_of_file() { push({}, true); }

void wake_readers() { readers.wake_all(); }

bool readers_waiting() { return readers.has_waiters(); }

u64 buffered() { return __atomic_load_n(&readable, __ATOMIC_ACQUIRE); }

}  // namespace kernel::tty
