// The differential test of Ember's terminal against libvterm (Debian's libvterm-dev, the
// terminal library Neovim uses): the same byte streams go to both at several screen sizes
// and the screens are compared, cell by cell (text, wide characters, combining marks) and
// cursor, at checkpoints along each stream and at its end.
//
// Streams: captured program output (corpus/*.bin, tests/terminal/capture.sh), one case per
// feature (features.txt) and seeded random streams of the sequences Ember supports. Where
// Ember follows xterm and libvterm does something else, the case is listed with the reason
// in xterm-differences.txt; a listed case that differs is "known", an unlisted one fails
// the test, and so does a listed one that no longer differs (the list must stay true).
//
//   terminal-vs-libvterm DATA_DIR [-v]      prints every case and the score, identical/total
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include <vterm.h>

#include <libk/terminal.hpp>
#include <libk/utf8.hpp>

namespace {

struct Size {
  int columns, rows;
};
constexpr Size kSizes[] = {{80, 24}, {40, 12}, {132, 50}};
constexpr size_t kCheckpointBytes = 512;  // compare after every this many bytes, and at the end

std::string utf8(char32_t cp) {
  char buf[4];
  return std::string(buf, libk::encode_utf8(cp, buf));
}

// What a screen shows, in a form both terminals can produce: each row's text (a wide
// character once, its marks after it, trailing blanks trimmed) and the cursor.
struct Snapshot {
  std::vector<std::string> rows;
  int cursor_x = 0, cursor_y = 0;
  bool operator==(const Snapshot&) const = default;
};

std::string trim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

class Ember {
 public:
  explicit Ember(Size size)
      : cells_(size_t(size.columns) * size.rows),
        damage_(size.rows),
        alternate_(size_t(size.columns) * size.rows) {
    libk::Terminal::Options options;
    options.newline_mode = false;  // a plain VT: LF does not return the carriage
    libk::Cell blank{U' ', options.theme.foreground, options.theme.background, 0};
    if (!grid_.init({cells_.data(), cells_.size()}, {damage_.data(), damage_.size()},
                    u32(size.columns), u32(size.rows), blank))
      std::abort();
    term_.init(grid_, options, libk::Terminal::Storage{{alternate_.data(), alternate_.size()}});
  }
  void write(const std::string& bytes) {
    term_.write(libk::StringView(bytes.data(), bytes.size()));
  }
  Snapshot snapshot() const {
    Snapshot s;
    for (u32 y = 0; y < grid_.rows(); ++y) {
      std::string row;
      const libk::Cell* cells = grid_.row(y);
      for (u32 x = 0; x < grid_.columns(); ++x) {
        if (cells[x].attrs & libk::kAttrWideTail) continue;
        row += utf8(cells[x].code_point ? cells[x].code_point : U' ');
        if (cells[x].mark) row += utf8(cells[x].mark);
      }
      s.rows.push_back(trim(row));
    }
    s.cursor_x = int(term_.cursor_x());
    s.cursor_y = int(term_.cursor_y());
    return s;
  }

 private:
  std::vector<libk::Cell> cells_;
  std::vector<libk::RowDamage> damage_;
  std::vector<libk::Cell> alternate_;
  libk::CellGrid grid_;
  libk::Terminal term_;
};

class Vterm {
 public:
  explicit Vterm(Size size) : size_(size), vt_(vterm_new(size.rows, size.columns)) {
    vterm_set_utf8(vt_, 1);
    screen_ = vterm_obtain_screen(vt_);
    vterm_screen_enable_altscreen(screen_, 1);
    vterm_screen_reset(screen_, 1);
  }
  ~Vterm() { vterm_free(vt_); }
  Vterm(const Vterm&) = delete;
  void write(const std::string& bytes) {
    vterm_input_write(vt_, bytes.data(), bytes.size());
    char sink[256];
    while (vterm_output_read(vt_, sink, sizeof(sink)) > 0) {
    }
  }
  Snapshot snapshot() const {
    vterm_screen_flush_damage(screen_);
    Snapshot s;
    for (int y = 0; y < size_.rows; ++y) {
      std::string row;
      for (int x = 0; x < size_.columns; ++x) {
        VTermScreenCell cell = {};
        vterm_screen_get_cell(screen_, VTermPos{y, x}, &cell);
        // 0 is an empty cell; libvterm marks the right half of a wide character with -1, and
        // leaves that mark when the left half is overwritten: a blank on screen.
        bool blank = cell.chars[0] == 0 || cell.chars[0] == uint32_t(-1);
        row += blank ? std::string(" ") : utf8(cell.chars[0]);
        // Ember keeps one mark per cell: compare the first.
        if (!blank && VTERM_MAX_CHARS_PER_CELL > 1 && cell.chars[1]) row += utf8(cell.chars[1]);
        if (cell.width == 2) ++x;
      }
      s.rows.push_back(trim(row));
    }
    VTermPos pos;
    vterm_state_get_cursorpos(vterm_obtain_state(vt_), &pos);
    s.cursor_x = pos.col;
    s.cursor_y = pos.row;
    return s;
  }

 private:
  Size size_;
  VTerm* vt_;
  VTermScreen* screen_;
};

// --- Streams -------------------------------------------------------------------------------

// A stream is compared after each of its pieces: 512-byte chunks of a capture, a whole
// feature case, each token of a random stream.
struct Stream {
  std::string name;
  std::vector<std::string> pieces;
};

std::vector<std::string> chunks(const std::string& bytes) {
  std::vector<std::string> out;
  for (size_t at = 0; at < bytes.size(); at += kCheckpointBytes)
    out.push_back(bytes.substr(at, kCheckpointBytes));
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

// features.txt: "name<TAB>bytes", the bytes with the escapes \e \r \n \t \b \\ \xHH.
std::string unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char c = text[++i];
    switch (c) {
      case 'e': out += '\x1b'; break;
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'b': out += '\b'; break;
      case 'x': out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16)), i += 2; break;
      default: out += c; break;
    }
  }
  return out;
}

std::vector<Stream> feature_streams(const std::filesystem::path& file) {
  std::vector<Stream> out;
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    out.push_back({"feature/" + line.substr(0, tab), {unescape(line.substr(tab + 1))}});
  }
  return out;
}

// A random stream of what Ember supports, from a seed: text (ASCII, accented, combining,
// line drawing), controls, cursor movement, erasing and editing, margins, modes, SGR. Left
// out, because xterm and libvterm disagree on them and one divergence would make the rest
// of a stream differ: scroll regions (libvterm's CUU/CUD ignore the margins), IL/DL,
// origin mode, tab stop setting (TBC), character sets, the alternate screen (xterm saves a
// cursor per screen), and insert mode and autowrap off (with wide characters). LF comes
// after CR, as a tty sends it: xterm's LF ends a pending wrap and libvterm's does not.
// Wide characters too: xterm blanks the other half of one partly overwritten, libvterm
// does not, and random streams overwrite halves all the time (features.txt has them). Each has its
// own cases in features.txt, and the captured programs use regions.
std::vector<std::string> random_stream(uint32_t seed, int tokens) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return int(rng() % uint32_t(n)); };
  auto num = [&](int most) { return std::to_string(pick(most) + 1); };
  static const char* kText[] = {"hello",     "x",         "wrap me around the edge ",
                                "äöü",       "e\xCC\x81", "\xE2\x94\x80",
                                "tab\there", "0123456789"};
  static const char* kFixed[] = {"\r",
                                 "\r\n",
                                 "\b",
                                 "\t",
                                 "\x1b"
                                 "7",
                                 "\x1b"
                                 "8",
                                 "\x1b"
                                 "D",
                                 "\x1b"
                                 "E",
                                 "\x1bM",
                                 "\x1b[m",
                                 "\x1b[1;31m",
                                 "\x1b[7m"};
  static const char kFinals[] = "ABCDEFGHJKX@PSTdeaIZ`";
  std::vector<std::string> out;
  for (int i = 0; i < tokens; ++i) {
    switch (pick(4)) {
      case 0: out.push_back(kText[pick(std::size(kText))]); break;
      case 1: out.push_back(kFixed[pick(std::size(kFixed))]); break;
      case 2: {
        char f = kFinals[pick(sizeof(kFinals) - 1)];
        out.push_back("\x1b[" + (f == 'J' || f == 'K' ? std::to_string(pick(3)) : num(30)) + f);
        break;
      }
      default: out.push_back("\x1b[" + num(60) + ";" + num(140) + "H"); break;
    }
  }
  return out;
}

// --- Comparison ----------------------------------------------------------------------------

std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c == 0x1b)
      out += "\\e";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else
      out += char(c);
  }
  return out;
}

// The first checkpoint where the two differ, described; empty if none.
std::string compare(const Stream& s, Size size) {
  Ember ember(size);
  Vterm vterm(size);
  size_t at = 0;
  for (size_t i = 0; i < s.pieces.size(); ++i) {
    ember.write(s.pieces[i]);
    vterm.write(s.pieces[i]);
    at += s.pieces[i].size();
    Snapshot a = ember.snapshot(), b = vterm.snapshot();
    if (a == b) continue;
    std::ostringstream why;
    why << "after byte " << at << " (pieces";
    for (size_t j = i >= 4 ? i - 4 : 0; j <= i; ++j) why << " \"" << printable(s.pieces[j]) << "\"";
    why << "): ";
    for (size_t y = 0; y < a.rows.size(); ++y)
      if (a.rows[y] != b.rows[y]) {
        why << "row " << y << "\n      ember:    \"" << a.rows[y] << "\"\n      libvterm: \""
            << b.rows[y] << "\"";
        return why.str();
      }
    why << "cursor ember (" << a.cursor_x << "," << a.cursor_y << "), libvterm (" << b.cursor_x
        << "," << b.cursor_y << ")";
    return why.str();
  }
  return "";
}

// xterm-differences.txt: "case: reason" per line; a case is a stream name, optionally
// with "@COLUMNSxROWS".
std::map<std::string, std::string> known_differences(const std::filesystem::path& file) {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: terminal-vs-libvterm DATA_DIR [-v]\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  bool verbose = argc > 2 && std::string(argv[2]) == "-v";
  std::vector<Stream> streams;
  std::vector<std::filesystem::path> corpus;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "corpus"))
    if (entry.path().extension() == ".bin") corpus.push_back(entry.path());
  std::sort(corpus.begin(), corpus.end());
  for (const auto& path : corpus)
    streams.push_back({"corpus/" + path.stem().string(), chunks(read_file(path))});
  for (Stream& s : feature_streams(dir / "features.txt")) streams.push_back(std::move(s));
  for (uint32_t seed = 1; seed <= 40; ++seed)
    streams.push_back({"random/" + std::to_string(seed), random_stream(seed, 400)});
  auto known = known_differences(dir / "xterm-differences.txt");
  std::map<std::string, bool> known_used;

  int total = 0, identical = 0, expected = 0, failures = 0;
  for (const Stream& s : streams) {
    for (Size size : kSizes) {
      std::string label =
          s.name + "@" + std::to_string(size.columns) + "x" + std::to_string(size.rows);
      ++total;
      std::string diff = compare(s, size);
      auto listed = known.find(label);
      if (listed == known.end()) listed = known.find(s.name);
      if (diff.empty()) {
        ++identical;
        if (verbose) std::printf("same     %s\n", label.c_str());
        continue;
      }
      if (listed != known.end()) {
        ++expected;
        known_used[listed->first] = true;
        if (verbose) std::printf("xterm    %s: %s\n", label.c_str(), listed->second.c_str());
        continue;
      }
      ++failures;
      std::printf("DIFFERS  %s %s\n", label.c_str(), diff.c_str());
    }
  }
  for (const auto& [name, reason] : known)
    if (!known_used.count(name)) {
      ++failures;
      std::printf("STALE    %s is listed in xterm-differences.txt but no longer differs\n",
                  name.c_str());
    }
  std::printf(
      "terminal vs libvterm: %d of %d screens identical (%.1f%%); %d differ where Ember "
      "follows xterm (xterm-differences.txt); %d unexplained\n",
      identical, total, 100.0 * identical / total, expected, failures);
  return failures == 0 ? 0 : 1;
}
