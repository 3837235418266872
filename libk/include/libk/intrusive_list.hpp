// IntrusiveList: a doubly-linked list whose links live inside the listed objects, so putting
// an object on a list never allocates and removing it is O(1). Used by the scheduler's run
// queue and wait queues, where allocation is not an option.
//
//   struct Thread : libk::ListNode<> { ... };
//   libk::IntrusiveList<Thread> ready;
//   ready.push_back(thread);
//
// An object is on at most one list per node base; a type that must be on two lists at once
// derives from ListNode<TagA> and ListNode<TagB> and names the tag in each list type. The
// list does not own its elements: destroying a list that still has elements, or an element
// that is still on a list, is a bug the owner must prevent (the kernel VERIFYs it where an
// object dies, e.g. a thread being freed). Pushing a node that is already on a list, or
// removing one that is on none, fails a VERIFY: either would corrupt two lists at once.
#pragma once

#include <libk/assert.hpp>
#include <libk/types.hpp>

namespace libk {

struct DefaultListTag {};

template <typename Tag = DefaultListTag>
class ListNode {
 public:
  constexpr ListNode() = default;
  ListNode(const ListNode&) = delete;
  ListNode& operator=(const ListNode&) = delete;

  // True while the object is on a list.
  constexpr bool linked() const { return next_ != nullptr; }

 private:
  template <typename T, typename U>
  friend class IntrusiveList;

  ListNode* prev_ = nullptr;
  ListNode* next_ = nullptr;
};

template <typename T, typename Tag = DefaultListTag>
class IntrusiveList {
  using Node = ListNode<Tag>;

 public:
  // A sentinel node makes the list circular: no null checks on insert and remove. The list
  // points into itself, so it can be neither copied nor moved.
  constexpr IntrusiveList() { head_.prev_ = head_.next_ = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  constexpr bool empty() const { return head_.next_ == &head_; }
  constexpr usize size() const { return size_; }

  T* front() { return empty() ? nullptr : element(head_.next_); }
  T* back() { return empty() ? nullptr : element(head_.prev_); }
  const T* front() const { return empty() ? nullptr : element(head_.next_); }

  void push_back(T& item) { link_before(&head_, node(item)); }
  void push_front(T& item) { link_before(head_.next_, node(item)); }
  // Inserts `item` just before `position`, which must be on this list.
  void insert_before(T& position, T& item) { link_before(node(position), node(item)); }

  // Removes and returns the first element, or nullptr when the list is empty.
  T* pop_front() {
    if (empty()) return nullptr;
    T* first = element(head_.next_);
    remove(*first);
    return first;
  }

  // Removes `item`, which must be on this list.
  void remove(T& item) {
    Node* n = node(item);
    VERIFY(n->linked());
    DEBUG_ASSERT(size_ > 0);
    n->prev_->next_ = n->next_;
    n->next_->prev_ = n->prev_;
    n->prev_ = n->next_ = nullptr;
    --size_;
  }

  // The element after `item` on this list, or nullptr at the end.
  T* next(T& item) {
    Node* n = node(item)->next_;
    return n == &head_ ? nullptr : element(n);
  }

  class Iterator {
   public:
    explicit Iterator(Node* n) : node_(n) {}
    T& operator*() const { return *element(node_); }
    T* operator->() const { return element(node_); }
    // Advancing reads the link before the caller can unlink the current element: erasing
    // the element an iterator points at is not allowed (use pop_front or next()).
    Iterator& operator++() {
      node_ = node_->next_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return node_ == o.node_; }

   private:
    Node* node_;
  };
  Iterator begin() { return Iterator(head_.next_); }
  Iterator end() { return Iterator(&head_); }

 private:
  static Node* node(T& item) { return static_cast<Node*>(&item); }
  static T* element(Node* n) { return static_cast<T*>(n); }
  static const T* element(const Node* n) { return static_cast<const T*>(n); }

  void link_before(Node* position, Node* n) {
    VERIFY(!n->linked());
    n->next_ = position;
    n->prev_ = position->prev_;
    position->prev_->next_ = n;
    position->prev_ = n;
    ++size_;
  }

  Node head_;
  usize size_ = 0;
};

}  // namespace libk
