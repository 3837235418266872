// The contracts libk checks (libk/include/libk/assert.hpp): each misuse ends the program
// with a report naming the check, instead of reading or corrupting memory.
#include <catch2/catch.hpp>

#include <libk/assert.hpp>
#include <libk/fixed_vector.hpp>
#include <libk/intrusive_list.hpp>
#include <libk/optional.hpp>
#include <libk/result.hpp>
#include <libk/span.hpp>
#include <sched/run_queue.hpp>
#include <sched/wait_list.hpp>

#include "death_test.hpp"

namespace {

struct Item : libk::ListNode<> {
  int value = 0;
};

enum class Error { Bad };

libk::Result<int, Error> good() { return 7; }
libk::Result<int, Error> bad() { return libk::unexpected(Error::Bad); }
libk::Result<void, Error> bad_void() { return libk::unexpected(Error::Bad); }

}  // namespace

TEST_CASE("A VERIFY that holds does nothing; one that fails reports where and aborts") {
  int x = 2;
  VERIFY(x == 2);
  test::Death d = test::run_in_child([&] { VERIFY(x == 3); });
  CHECK(d.aborted);
  CHECK(d.stderr_text.find("VERIFY(x == 3) failed") != std::string::npos);
  CHECK(d.stderr_text.find("contracts_test.cpp:") != std::string::npos);
  CHECK(d.stderr_text.find("in operator()") != std::string::npos);
}

TEST_CASE("A child that breaks no contract is not reported as dead") {
  test::Death d = test::run_in_child([] {});
  CHECK_FALSE(d.aborted);
  CHECK(d.stderr_text.empty());
}

TEST_CASE("VERIFY_NOT_REACHED always fails") {
  CHECK_DIES_WITH(VERIFY_NOT_REACHED(), "VERIFY_NOT_REACHED() failed");
}

TEST_CASE("DEBUG_ASSERT checks in debug builds and is compiled away with NDEBUG") {
#if EMBER_DEBUG_ASSERTS
  CHECK_DIES_WITH(DEBUG_ASSERT(1 + 1 == 3), "DEBUG_ASSERT(1 + 1 == 3) failed");
#else
  DEBUG_ASSERT(1 + 1 == 3);
#endif
}

TEST_CASE("Reading a Result's value when it holds an error fails a VERIFY") {
  CHECK(good().value() == 7);
  CHECK_DIES_WITH((void)bad().value(), "VERIFY(ok_)");
  CHECK_DIES_WITH((void)bad().release_value(), "VERIFY(ok_)");
  CHECK_DIES_WITH(bad_void().release_value(), "VERIFY(ok_)");
}

TEST_CASE("Reading a Result's error when it holds a value fails a VERIFY") {
  CHECK(bad().error() == Error::Bad);
  CHECK_DIES_WITH((void)good().error(), "VERIFY(!ok_)");
  libk::Result<void, Error> fine;
  CHECK_DIES_WITH((void)fine.error(), "VERIFY(!ok_)");
}

TEST_CASE("Reading an empty Optional fails a VERIFY") {
  libk::Optional<int> some = 5, none;
  CHECK(*some == 5);
  CHECK(none.value_or(9) == 9);
  CHECK_DIES_WITH((void)none.value(), "VERIFY(has_)");
  CHECK_DIES_WITH((void)*none, "VERIFY(has_)");
  libk::Optional<Item*> no_item;
  CHECK_DIES_WITH((void)no_item.operator->(), "VERIFY(has_)");
}

TEST_CASE("Pushing a node that is already on a list fails a VERIFY") {
  libk::IntrusiveList<Item> a, b;
  Item item;
  a.push_back(item);
  CHECK_DIES_WITH(b.push_back(item), "VERIFY(!n->linked())");
  CHECK_DIES_WITH(a.push_front(item), "VERIFY(!n->linked())");
  a.remove(item);
  CHECK(a.empty());
}

TEST_CASE("Removing a node that is on no list fails a VERIFY") {
  libk::IntrusiveList<Item> list;
  Item on, off;
  list.push_back(on);
  CHECK_DIES_WITH(list.remove(off), "VERIFY(n->linked())");
  list.remove(on);
  CHECK_DIES_WITH(list.remove(on), "VERIFY(n->linked())");
}

TEST_CASE("Indexing a Span or a FixedVector past its size fails a DEBUG_ASSERT") {
  int storage[3] = {1, 2, 3};
  libk::Span<int> span(storage, 2);
  CHECK(span[1] == 2);
  libk::FixedVector<int, 4> vector;
  REQUIRE(vector.push_back(10));
  CHECK(vector[0] == 10);
#if EMBER_DEBUG_ASSERTS
  CHECK_DIES_WITH((void)span[2], "DEBUG_ASSERT(i < size_)");
  CHECK_DIES_WITH((void)vector[1], "DEBUG_ASSERT(i < size_)");
#endif
}

TEST_CASE("A full FixedVector refuses an element and says so") {
  libk::FixedVector<int, 2> vector;
  CHECK(vector.push_back(1));
  CHECK(vector.push_back(2));
  CHECK_FALSE(vector.push_back(3));
  CHECK(vector.size() == 2);
  CHECK(vector[1] == 2);
}

TEST_CASE("An entity on a wait list can be put neither on another one nor on the run queue") {
  sched::Entity idle, waiter;
  sched::RunQueue run_queue(idle);
  sched::WaitList first, second;
  first.add(waiter);
  CHECK_DIES_WITH(second.add(waiter), "VERIFY(e.queue_ == Entity::Queue::None");
  CHECK_DIES_WITH(run_queue.enqueue(waiter), "VERIFY(e.queue_ == Entity::Queue::None)");
  CHECK(first.pop() == &waiter);
  second.add(waiter);
  CHECK(second.remove(waiter));
}

TEST_CASE("A runnable entity cannot wait before it is taken off the run queue") {
  sched::Entity idle, runnable;
  sched::RunQueue run_queue(idle);
  sched::WaitList list;
  run_queue.enqueue(runnable);
  CHECK_DIES_WITH(list.add(runnable), "VERIFY(e.queue_ == Entity::Queue::None");
  CHECK_DIES_WITH(run_queue.enqueue(runnable), "VERIFY(e.queue_ == Entity::Queue::None)");
  CHECK(&run_queue.pick_next() == &runnable);
  list.add(runnable);
  CHECK(list.size() == 1);
}
