// The context switch (hal/x86/context_switch.S) run on the host: the same routine the
// kernel uses, switching between the test's own stack and coroutine stacks.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <vector>

#include <hal/context.hpp>

extern "C" {
void test_switch_with_pattern(u64* save_sp, u64 load_sp, u64 out[6]);
void test_switch_clobbering(u64* save_sp, u64 load_sp);
[[noreturn]] void test_capturing_entry(void* arg);
u64 test_entry_state[2];  // rsp, rbp on entry to test_capturing_entry
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMBER_ASAN 1
#include <sanitizer/common_interface_defs.h>
#endif
#endif

namespace {

constexpr usize kStackSize = 64 * 1024;

// ASan tracks one stack per thread; tell it when execution moves to another stack (else
// it warns, and may report false positives, on the coroutine stacks).
struct StackSwitch {
  void* fake_stack = nullptr;
  void before(const void* bottom, usize size) {
#ifdef EMBER_ASAN
    __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
#else
    (void)bottom, (void)size;
#endif
  }
  void after(const void** old_bottom = nullptr, usize* old_size = nullptr) {
#ifdef EMBER_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, old_bottom, old_size);
#else
    (void)old_bottom, (void)old_size;
#endif
  }
};

struct Stack {
  std::unique_ptr<u8[]> memory{new u8[kStackSize]};
  u64 top() const { return reinterpret_cast<u64>(memory.get()) + kStackSize; }
};

// A coroutine: a context with its own stack that switches back to `main_sp` when it wants.
struct Coroutine {
  Stack stack;
  u64 sp = 0;       // the coroutine's saved stack pointer while suspended
  u64 main_sp = 0;  // the test's saved stack pointer while the coroutine runs
  int steps = 0;
  void* seen_arg = nullptr;

  StackSwitch main_side, coroutine_side;  // each side's ASan state while it is away
  const void* main_bottom = nullptr;
  usize main_size = 0;

  void resume() {
    before_resume();
    hal_context_switch(&main_sp, sp);
    after_resume();
  }
  void yield() {
    before_yield();
    hal_context_switch(&sp, main_sp);
    after_yield();
  }
  void before_resume() { main_side.before(stack.memory.get(), kStackSize); }
  void after_resume() { main_side.after(); }
  // The first thing a coroutine does: learn the main stack it came from.
  void started() { coroutine_side.after(&main_bottom, &main_size); }
  void before_yield() { coroutine_side.before(main_bottom, main_size); }
  void after_yield() { coroutine_side.after(); }
};

[[noreturn]] void counting_entry(void* arg) {
  auto* co = static_cast<Coroutine*>(arg);
  co->started();
  co->seen_arg = arg;
  for (;;) {
    ++co->steps;
    co->yield();
  }
}

[[noreturn]] void clobbering_entry(void* arg) {
  auto* co = static_cast<Coroutine*>(arg);
  co->started();
  for (;;) {
    ++co->steps;
    co->before_yield();
    test_switch_clobbering(&co->sp, co->main_sp);
    co->after_yield();
  }
}

}  // namespace

extern "C" [[noreturn]] void test_entry_continue(void* arg) { counting_entry(arg); }

TEST_CASE("A prepared context starts its entry with the argument", "[context]") {
  Coroutine co;
  co.sp = hal::context::prepare(co.stack.top(), counting_entry, &co);
  co.resume();
  CHECK(co.seen_arg == &co);
  CHECK(co.steps == 1);
}

TEST_CASE("A prepared context's frame sits just below the stack top", "[context]") {
  Coroutine co;
  u64 sp = hal::context::prepare(co.stack.top(), counting_entry, &co);
  CHECK(sp == co.stack.top() - (hal::context::kFrameWords + 2) * 8);
  CHECK(sp % 16 == 8);
  // An unaligned top is rounded down first.
  CHECK(hal::context::prepare(co.stack.top() - 3, counting_entry, &co) == sp - 16);
}

TEST_CASE("A new context calls its entry with a System V aligned stack and rbp chain end",
          "[context]") {
  Coroutine co;
  test_entry_state[0] = test_entry_state[1] = 1;
  co.sp = hal::context::prepare(co.stack.top(), test_capturing_entry, &co);
  co.resume();
  REQUIRE(co.steps == 1);
  u64 rsp = test_entry_state[0], rbp = test_entry_state[1];
  CHECK(rsp % 16 == 8);  // as after a call from a 16-byte aligned rsp
  CHECK(rsp < co.stack.top());
  CHECK(rsp > co.stack.top() - 4096);
  CHECK(rbp == 0);  // a frame-pointer backtrace ends at the entry function
}

TEST_CASE("Switching back and forth resumes each context where it left off", "[context]") {
  Coroutine co;
  co.sp = hal::context::prepare(co.stack.top(), counting_entry, &co);
  for (int i = 1; i <= 1000; ++i) {
    co.resume();
    REQUIRE(co.steps == i);
  }
}

TEST_CASE("Callee-saved registers survive a switch to a context that clobbers them", "[context]") {
  Coroutine co;
  co.sp = hal::context::prepare(co.stack.top(), clobbering_entry, &co);
  u64 out[6] = {};
  co.before_resume();
  test_switch_with_pattern(&co.main_sp, co.sp, out);
  co.after_resume();
  REQUIRE(co.steps == 1);
  CHECK(out[0] == 0x1111111111111111);  // rbx
  CHECK(out[1] == 0x2222222222222222);  // rbp
  CHECK(out[2] == 0x3333333333333333);  // r12
  CHECK(out[3] == 0x4444444444444444);  // r13
  CHECK(out[4] == 0x5555555555555555);  // r14
  CHECK(out[5] == 0x6666666666666666);  // r15
  // And the coroutine's own registers survive too: it resumes, clobbers again, comes back.
  co.before_resume();
  test_switch_with_pattern(&co.main_sp, co.sp, out);
  co.after_resume();
  CHECK(co.steps == 2);
  CHECK(out[5] == 0x6666666666666666);
}

TEST_CASE("Many contexts can be suspended at once, each on its own stack", "[context]") {
  std::vector<std::unique_ptr<Coroutine>> cos;
  for (int i = 0; i < 16; ++i) {
    cos.push_back(std::make_unique<Coroutine>());
    cos.back()->sp =
        hal::context::prepare(cos.back()->stack.top(), counting_entry, cos.back().get());
  }
  for (int round = 1; round <= 10; ++round)
    for (auto& co : cos) co->resume();
  for (auto& co : cos) {
    CHECK(co->steps == 10);
    CHECK(co->sp > co->stack.top() - kStackSize);
    CHECK(co->sp < co->stack.top());
  }
}
