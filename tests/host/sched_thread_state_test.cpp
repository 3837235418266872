// The thread life cycle (libk/include/sched/thread_state.hpp).
#include <catch2/catch.hpp>
#include <string>

#include <sched/thread_state.hpp>

TEST_CASE("Thread states allow exactly the documented transitions", "[sched][thread_state]") {
  using S = sched::ThreadState;
  const S all[] = {S::Created, S::Ready, S::Running, S::Blocked, S::Exited};
  auto allowed = [](S from, S to) {
    return (from == S::Created && to == S::Ready) || (from == S::Ready && to == S::Running) ||
           (from == S::Running && (to == S::Ready || to == S::Blocked || to == S::Exited)) ||
           (from == S::Blocked && to == S::Ready);
  };
  for (S from : all)
    for (S to : all) {
      INFO(sched::state_name(from) << " -> " << sched::state_name(to));
      CHECK(sched::can_transition(from, to) == allowed(from, to));
    }
  CHECK(std::string(sched::state_name(S::Blocked)) == "blocked");
}
