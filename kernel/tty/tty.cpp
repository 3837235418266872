#include "tty/tty.hpp"

#include <libk/line_editor.hpp>
#include <libk/tty_control.hpp>
#include <libk/tty_input.hpp>

#include "console.hpp"
#include "proc/process.hpp"
#include "sched/wait_queue.hpp"
#include "sync/spinlock.hpp"

namespace kernel::tty {

namespace {

using fs::Error;
using fs::Result;
using libk::tty::Mode;

// Input typed and not read yet (libk/tty_input.hpp holds the discipline's logic).
constinit SpinLock input_lock{"tty input", lock_rank::kDevice};
constinit libk::tty::InputQueue input GUARDED_BY(input_lock);
constinit u64 readable = 0;  // atomic: input.readable() (the readers' condition)
constinit WaitQueue readers;

// The input mode and who set it change together (set_mode, process_ended), under the input
// lock, which take() holds too: each read sees one mode.
constinit Mode mode GUARDED_BY(input_lock) = Mode::Canonical;
constinit proc::Pid raw_owner GUARDED_BY(input_lock) = 0;  // set raw mode (0: nobody)
// Who holds the terminal: the session, the foreground group, the controller.
constinit SpinLock control_lock{"tty control", lock_rank::kLeaf};
constinit libk::tty::Control control GUARDED_BY(control_lock);
constinit u64 control_changes = 0;    // atomic: counts changes of `control`
constinit WaitQueue control_waiters;  // change_mode, change_foreground waiting to be allowed

void control_changed() {
  __atomic_fetch_add(&control_changes, 1, __ATOMIC_ACQ_REL);
  control_waiters.wake_all();
}

// The shell thread's: the editor of the line being typed, and the mode feed() last saw.
constinit libk::line::LineHistory history;
constinit libk::line::LineEditor* editor = nullptr;
alignas(libk::line::LineEditor) constinit u8 editor_storage[sizeof(libk::line::LineEditor)];
constinit Mode fed_mode = Mode::Canonical;

class Echo final : public libk::Sink {
 public:
  void write(libk::StringView text) override { console::write(text); }
};

Mode current_mode() EXCLUDES(input_lock) {
  SpinLockGuard guard(input_lock);
  return mode;
}

void publish_locked() REQUIRES(input_lock) {
  input_lock.assert_held();
  __atomic_store_n(&readable, input.readable(), __ATOMIC_RELEASE);
}

void push(libk::StringView text, bool end_of_file) EXCLUDES(input_lock) {
  {
    SpinLockGuard guard(input_lock);
    (void)input.push(text, end_of_file);  // a full queue drops the rest, as a terminal does
    publish_locked();
  }
  readers.wake_all();
}

// Takes what one read gets (libk::tty::InputQueue::take). False if nothing is there.
bool take(libk::Span<u8> out, usize& n) EXCLUDES(input_lock) {
  SpinLockGuard guard(input_lock);
  auto taken = input.take(out, mode);
  if (!taken) return false;
  n = taken.value();
  publish_locked();
  return true;
}

// Waits until the calling process may read the terminal (libk::tty::Control::may_read);
// Interrupted if it is being ended meanwhile. Defined below. Context: thread.
libk::Result<void, Error> wait_to_read();

class Console final : public fs::Vnode {
 public:
  abi::FileType type() const override { return abi::FileType::Device; }
  abi::Stat stat() const override { return {abi::FileType::Device, 0620, 0}; }
  Result<usize> read(u64, libk::Span<u8> out) override {
    if (out.size() == 0) return usize(0);
    for (;;) {
      // A background job waits: the lines are the foreground's. Checked again whenever
      // input came, since who holds the terminal may have changed during the wait (a job
      // left running by a shell that ended, and the kernel shell's next program).
      TRY(wait_to_read());
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

// Raw mode: the key's bytes go to the reader as they are; nothing is echoed or edited.
Fed feed_raw(const libk::line::EditInput& in) {
  char bytes[libk::tty::kMaxRawBytes];
  usize n = libk::tty::raw_bytes(in, bytes);
  push({bytes, n}, false);
  return Fed::Taken;
}

Fed feed_canonical(const libk::line::EditInput& in) {
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

}  // namespace

fs::Vnode& console_vnode() { return console_node; }

void begin_line() {
  Echo echo;
  line_editor().begin("", echo);
}

Fed feed(const libk::line::EditInput& in) {
  Mode now = current_mode();
  if (now != fed_mode) {
    // Back in canonical mode: editing starts on a fresh line (what was typed raw was read).
    fed_mode = now;
    if (now == Mode::Canonical) begin_line();
  }
  return now == Mode::Raw ? feed_raw(in) : feed_canonical(in);
}

void push_line(libk::StringView text) {
  {
    SpinLockGuard guard(input_lock);
    (void)input.push(text, false);
    (void)input.push("\n", false);
    publish_locked();
  }
  readers.wake_all();
}

void push_end_of_file() { push({}, true); }

void push_bytes(libk::StringView bytes) { push(bytes, false); }

void wake_readers() {
  readers.wake_all();
  control_waiters.wake_all();
}

bool readers_waiting() { return readers.has_waiters(); }

u64 buffered() { return __atomic_load_n(&readable, __ATOMIC_ACQUIRE); }

// --- Terminal settings ----------------------------------------------------------------------

Mode set_mode(Mode m, proc::Pid owner) {
  Mode old;
  {
    SpinLockGuard guard(input_lock);
    old = mode;
    mode = m;
    raw_owner = m == Mode::Raw ? owner : proc::Pid(0);
  }
  readers.wake_all();  // a reader waiting for a line may now take bytes
  return old;
}

Mode get_mode() { return current_mode(); }

void process_ended(proc::Pid pid) {
  SpinLockGuard guard(input_lock);
  if (raw_owner != pid || pid == 0) return;
  raw_owner = 0;
  mode = Mode::Canonical;
}

void hand_to(proc::Pid group) {
  {
    SpinLockGuard guard(control_lock);
    control.hand_to(group);
  }
  control_changed();
}

namespace {

// Runs `act` under the control lock once `pid` may change the terminal; until then waits
// for a change of who holds it (or of the caller's group, which the next change rechecks).
enum class Access : u8 { Change, Read };

template <typename Act>
libk::Result<void, Error> once_allowed(proc::Pid pid, Access access, Act act) {
  for (;;) {
    u64 seen = __atomic_load_n(&control_changes, __ATOMIC_ACQUIRE);
    proc::Pid group = proc::group_of(pid);
    {
      SpinLockGuard guard(control_lock);
      bool reading = access == Access::Read;
      if (!reading && control.session == 0) return libk::unexpected(Error::NotPermitted);
      if (reading ? control.may_read(pid, group) : control.may_change(pid, group)) {
        act();
        return {};
      }
    }
    if (proc::current_ending()) return libk::unexpected(Error::Interrupted);
    control_waiters.wait_until([seen] {
      return __atomic_load_n(&control_changes, __ATOMIC_ACQUIRE) != seen || proc::current_ending();
    });
  }
}

libk::Result<void, Error> wait_to_read() {
  proc::Pid pid = proc::current_pid();
  if (pid == proc::kKernelParent) return {};  // the kernel's own threads (tests)
  return once_allowed(pid, Access::Read, [] {});
}

}  // namespace

libk::Result<Mode, Error> change_mode(Mode m, proc::Pid pid) {
  TRY(once_allowed(pid, Access::Change, [] {}));
  return set_mode(m, pid);  // who holds the terminal may change just now: a benign race
}

libk::Result<void, Error> change_foreground(proc::Pid group, proc::Pid pid) {
  TRY(once_allowed(pid, Access::Change,
                   [&]() REQUIRES(control_lock) { control.choose_foreground(group, pid); }));
  control_changed();
  return {};
}

proc::Pid foreground_group() {
  SpinLockGuard guard(control_lock);
  return control.foreground;
}

abi::WinSize window_size() {
  console::ScreenInfo screen = console::screen_info();
  if (screen.rows == 0 || screen.columns == 0) return {kSerialRows, kSerialColumns};
  return {u16(libk::min<u32>(screen.rows, 0xffff)), u16(libk::min<u32>(screen.columns, 0xffff))};
}

}  // namespace kernel::tty
