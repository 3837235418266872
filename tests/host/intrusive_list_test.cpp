#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <vector>

#include <libk/intrusive_list.hpp>

namespace {

struct Item : libk::ListNode<> {
  explicit Item(int v) : value(v) {}
  int value;
};

struct TagA {};
struct TagB {};
struct TwoLists : libk::ListNode<TagA>, libk::ListNode<TagB> {
  int value = 0;
};

std::vector<int> values(libk::IntrusiveList<Item>& list) {
  std::vector<int> out;
  for (Item& item : list) out.push_back(item.value);
  return out;
}

}  // namespace

TEST_CASE("A new intrusive list is empty", "[intrusive_list]") {
  libk::IntrusiveList<Item> list;
  CHECK(list.empty());
  CHECK(list.size() == 0);
  CHECK(list.front() == nullptr);
  CHECK(list.back() == nullptr);
  CHECK(list.pop_front() == nullptr);
}

TEST_CASE("Intrusive list keeps insertion order at both ends", "[intrusive_list]") {
  Item a(1), b(2), c(3), d(4);
  libk::IntrusiveList<Item> list;
  list.push_back(b);
  list.push_back(c);
  list.push_front(a);
  list.insert_before(c, d);
  CHECK(values(list) == std::vector<int>{1, 2, 4, 3});
  CHECK(list.size() == 4);
  CHECK(list.front() == &a);
  CHECK(list.back() == &c);
  CHECK(list.next(a) == &b);
  CHECK(list.next(c) == nullptr);
}

TEST_CASE("Removing from an intrusive list unlinks only that element", "[intrusive_list]") {
  Item a(1), b(2), c(3);
  libk::IntrusiveList<Item> list;
  list.push_back(a);
  list.push_back(b);
  list.push_back(c);
  list.remove(b);
  CHECK_FALSE(b.linked());
  CHECK(a.linked());
  CHECK(values(list) == std::vector<int>{1, 3});
  list.remove(a);
  list.remove(c);
  CHECK(list.empty());
  CHECK(list.size() == 0);
}

TEST_CASE("pop_front returns elements first in, first out", "[intrusive_list]") {
  Item items[] = {Item(0), Item(1), Item(2), Item(3)};
  libk::IntrusiveList<Item> list;
  for (Item& item : items) list.push_back(item);
  for (int expected = 0; expected < 4; ++expected) {
    Item* item = list.pop_front();
    REQUIRE(item != nullptr);
    CHECK(item->value == expected);
    CHECK_FALSE(item->linked());
  }
  CHECK(list.empty());
}

TEST_CASE("An element can be on two lists through two tagged nodes", "[intrusive_list]") {
  TwoLists x, y;
  x.value = 1;
  y.value = 2;
  libk::IntrusiveList<TwoLists, TagA> a;
  libk::IntrusiveList<TwoLists, TagB> b;
  a.push_back(x);
  a.push_back(y);
  b.push_back(y);
  b.push_back(x);
  CHECK(a.front()->value == 1);
  CHECK(b.front()->value == 2);
  a.remove(x);
  CHECK(b.size() == 2);
  CHECK(static_cast<libk::ListNode<TagB>&>(x).linked());
  CHECK_FALSE(static_cast<libk::ListNode<TagA>&>(x).linked());
}

TEST_CASE("Intrusive list matches a reference deque under random operations",
          "[intrusive_list][property]") {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    std::vector<std::unique_ptr<Item>> pool;
    for (int i = 0; i < 32; ++i) pool.push_back(std::make_unique<Item>(i));
    libk::IntrusiveList<Item> list;
    std::vector<int> model;
    for (int step = 0; step < 2000; ++step) {
      Item& item = *pool[rng() % pool.size()];
      switch (rng() % 4) {
        case 0:
          if (!item.linked()) {
            list.push_back(item);
            model.push_back(item.value);
          }
          break;
        case 1:
          if (!item.linked()) {
            list.push_front(item);
            model.insert(model.begin(), item.value);
          }
          break;
        case 2:
          if (item.linked()) {
            list.remove(item);
            model.erase(std::find(model.begin(), model.end(), item.value));
          }
          break;
        case 3:
          if (Item* first = list.pop_front()) {
            REQUIRE(first->value == model.front());
            model.erase(model.begin());
          }
          break;
      }
      REQUIRE(list.size() == model.size());
    }
    CHECK(values(list) == model);
  }
}
