// libk/text_count.hpp: wc's counts and head's line limit over text cut into pieces anywhere,
// as a pipe delivers it.
#include <catch2/catch.hpp>
#include <string>

#include <libk/text_count.hpp>

namespace {

libk::Span<const u8> bytes(const std::string& s) {
  return {reinterpret_cast<const u8*>(s.data()), s.size()};
}

libk::TextCounts count_in_pieces(const std::string& text, usize piece) {
  libk::TextCounter c;
  for (usize at = 0; at < text.size(); at += piece) c.feed(bytes(text.substr(at, piece)));
  return c.counts();
}

}  // namespace

TEST_CASE("wc counts: newlines, words between white space, bytes") {
  auto c = count_in_pieces("one two\n\tthree  four\r\nfive", 100);
  CHECK(c.lines == 2);  // the last line has no newline
  CHECK(c.words == 5);
  CHECK(c.bytes == 26);
  auto empty = count_in_pieces("", 1);
  CHECK((empty.lines == 0 && empty.words == 0 && empty.bytes == 0));
  auto spaces = count_in_pieces(" \v\f \n", 1);
  CHECK((spaces.lines == 1 && spaces.words == 0 && spaces.bytes == 5));
}

TEST_CASE("wc counts: a word cut between two pieces counts once, for every cut") {
  std::string text = "alpha beta\ngamma  delta epsilon\n\nzeta";
  for (usize piece = 1; piece <= text.size(); ++piece) {
    auto c = count_in_pieces(text, piece);
    CHECK(c.lines == 3);
    CHECK(c.words == 6);
    CHECK(c.bytes == text.size());
  }
}

TEST_CASE("head's limit passes up to and including the Nth newline, across pieces") {
  std::string text = "1\n22\n333\n4444\n";
  for (usize piece = 1; piece <= text.size(); ++piece) {
    libk::LineLimit limit(3);
    std::string out;
    for (usize at = 0; at < text.size() && !limit.done(); at += piece) {
      std::string p = text.substr(at, piece);
      out += p.substr(0, limit.take(bytes(p)));
    }
    CHECK(out == "1\n22\n333\n");
    CHECK(limit.done());
  }
}

TEST_CASE("head's limit: fewer lines than asked pass whole; 0 lines pass nothing") {
  libk::LineLimit many(10);
  CHECK(many.take(bytes("a\nb")) == 3);
  CHECK(!many.done());
  libk::LineLimit none(0);
  CHECK(none.take(bytes("a\n")) == 0);
  CHECK(none.done());
}
