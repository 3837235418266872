// A VT100/xterm-style terminal over a CellGrid: text, C0 controls and the escape sequences
// full-screen and line-editing programs use, with no hardware and no rendering
// (TextRenderer draws the grid). References: ECMA-48 (5th ed.) for the standard functions,
// xterm's "Xterm Control Sequences" (ctlseqs) for the DEC and xterm ones; docs/console.md
// has the table with a reference for each.
//
//   C0:   BS, HT, LF/VT/FF (plus CR in newline mode), CR, SO/SI (G1/G0 into GL);
//         CAN/SUB abort a sequence; BEL, NUL and the others are ignored.
//   ESC:  7/8 DECSC/DECRC, c RIS, D IND, E NEL, M RI, H HTS, # 8 DECALN,
//         ( ) designate G0/G1: 0 DEC special graphics, B (and any other) ASCII.
//   CSI:  A-G, H/f, d, e (VPR), a (HPR), ` (HPA): cursor; I/Z CHT/CBT; J/K ED/EL (and ?J/?K);
//         L/M IL/DL, @/P ICH/DCH, X ECH, b REP, S/T SU/SD, r DECSTBM, g TBC, s/u save and
//         restore, m SGR, h/l SM/RM (4 IRM, 20 LNM), ?h/?l DECSET/DECRST (1 DECCKM,
//         6 DECOM, 7 DECAWM, 12 blink, 25 DECTCEM, 47/1047/1049 alternate screen,
//         1048 save cursor, 2004 bracketed paste), SP q DECSCUSR, n DSR (5, 6), c DA,
//         > c secondary DA.
//   SGR:  0, 1, 2, 3, 4 (4:x), 5/6, 7, 8, 9, 21, 22-29, 30-37/90-97, 40-47/100-107,
//         38/48 with ;5;n ;2;r;g;b and the ':' forms, 39/49.
// Other sequences are consumed harmlessly and counted (unsupported()).
//
// Rules that matter for what you see (xterm's): wrapping is deferred (a character in the
// last column leaves the cursor there, "pending wrap", until the next printable one);
// erasing and scrolled-in lines take the current background colour ("BCE"); a wide
// character takes two cells and never straddles the right edge (it wraps first); writing
// over either half of a wide character blanks the other half; a combining mark joins the
// character before the cursor. Replies to DSR/DA are queued for the input side to read
// (take_replies()).
//
// Invariant, whatever the input: 0 <= cursor_x() < columns and 0 <= cursor_y() < rows.
#pragma once

#include <libk/cell_grid.hpp>
#include <libk/palette.hpp>
#include <libk/scrollback.hpp>
#include <libk/vt_parser.hpp>

namespace libk {

class Terminal {
 public:
  struct Options {
    TerminalTheme theme = kEmberTheme;
    bool newline_mode = true;  // LNM: LF also returns the carriage (no tty layer adds CR)
    bool cursor_visible = true;
  };
  // Optional memory: without `alternate` (columns * rows cells) the alternate screen
  // modes are ignored; without `scrollback`, lines scrolled off the top are gone.
  struct Storage {
    Span<Cell> alternate;
    Scrollback* scrollback = nullptr;
  };
  enum class CursorStyle : u8 { Block, Underline, Bar };
  static constexpr usize kReplyCapacity = 64;

  constexpr Terminal() = default;

  // Attaches to a ready grid, clears it and resets every state to `options`.
  void init(CellGrid& grid, const Options& options) { init(grid, options, Storage()); }
  void init(CellGrid& grid, const Options& options, const Storage& storage);
  bool ready() const { return grid_ != nullptr; }

  void write(StringView bytes);

  // RIS: clear the screen, home the cursor, default colours and modes.
  void reset();
  // Abandons a half-received escape or UTF-8 sequence; the screen is kept.
  void abort_sequence() { parser_.reset(); }

  u32 cursor_x() const { return x_; }
  u32 cursor_y() const { return y_; }
  bool cursor_visible() const { return cursor_visible_; }
  CursorStyle cursor_style() const { return cursor_style_; }
  bool alternate_screen() const { return alternate_active_; }
  bool bracketed_paste() const { return bracketed_paste_; }
  bool application_cursor_keys() const { return application_cursor_keys_; }
  u32 scroll_top() const { return top_; }
  u32 scroll_bottom() const { return bottom_; }
  const CellGrid& grid() const { return *grid_; }
  CellGrid& grid() { return *grid_; }
  const TerminalTheme& theme() const { return options_.theme; }
  // Sequences consumed without effect since init (for tests and diagnostics).
  u64 unsupported() const { return unsupported_; }

  // Replies to status requests (DSR, DA), oldest first: copies up to `capacity` bytes to
  // `out` and forgets them. Replies that find the queue full are dropped.
  usize take_replies(char* out, usize capacity);

  // --- Looking back (scrollback) ---
  // Lines of scrollback shown above the screen: 0 is the live screen.
  u32 view_offset() const { return view_offset_; }
  // Moves the view `lines` back (positive) or forward (negative), within the scrollback.
  void scroll_view(i64 lines);
  void scroll_view_to_top();
  void scroll_view_to_bottom() { view_offset_ = 0; }
  // Row y (0 = top) of what the view shows: scrollback lines, then the screen's rows.
  const Cell* view_row(u32 y) const;
  const Scrollback* scrollback() const { return scrollback_; }
  // Attaches (or with nullptr detaches) a scrollback as wide as the screen; false if it is
  // not ready or of another width.
  bool set_scrollback(Scrollback* scrollback);

 private:
  friend class VtParser;

  struct Colour {
    enum Kind : u8 { Default, Indexed, Direct };
    Kind kind = Default;
    u32 value = 0;
  };
  struct Pen {
    Colour fg, bg;
    u32 attrs = 0;
    u32 fg_rgb = 0, bg_rgb = 0;  // fg and bg resolved against the theme
  };
  enum Charset : u8 { kAscii, kDecGraphics };
  struct Saved {
    u32 x = 0, y = 0;
    Pen pen;
    bool wrap_pending = false;
    bool origin_mode = false;
    Charset g[2] = {kAscii, kAscii};
    u8 gl = 0;
  };
  static constexpr u32 kTabWords = CellGrid::kMaxColumns / 64;

  // VtParser's callbacks.
  void print(char32_t cp);
  void execute(u8 control);
  void esc_dispatch(u8 intermediate, u8 final);
  void csi_dispatch(const CsiParams& p, u8 private_marker, u8 intermediate, u8 final);

  // Text (terminal.cpp).
  void print_ascii_run(const char* text, usize count);
  void print_wide(char32_t cp);
  void add_mark(char32_t mark);
  void mark_target(u32 x) { mark_x_ = x, mark_y_ = y_, mark_valid_ = true; }
  void put_cell(u32 x, const Cell& cell);
  void split_wide_at(u32 y, u32 x0, u32 x1);
  char32_t translate(char32_t cp) const;
  void wrap();
  void index();
  void reverse_index();
  void scroll_up(u32 n);
  void scroll_down(u32 n);
  bool fast_path_ok() const { return autowrap_ && !insert_mode_ && charset_[gl_] == kAscii; }

  // Cursor, editing and modes (terminal_csi.cpp).
  bool csi_cursor(const CsiParams& p, u8 final);
  bool csi_edit(const CsiParams& p, u8 final);
  bool csi_private(const CsiParams& p, u8 marker, u8 intermediate, u8 final);
  void move_to(i64 x, i64 y);
  void move_to_origin_relative(i64 x, i64 y);
  void move_vertically(i64 dy);
  void erase_display(u32 mode);
  void erase_line(u32 mode);
  void erase_cells(u32 y, u32 x0, u32 x1);
  void insert_lines(u32 n);
  void delete_lines(u32 n);
  void insert_characters(u32 n);
  void insert_blanks(u32 n);
  void delete_characters(u32 n);
  void repeat_last(u32 n);
  void set_margins(const CsiParams& p);
  void tab_forward(u32 n);
  void tab_backward(u32 n);
  void clear_tabs(u32 mode);
  void reset_tabs();
  void set_mode(const CsiParams& p, bool dec_private, bool on);
  void set_dec_mode(u32 mode, bool on);
  void status_report(u32 which, bool dec_private);
  void reply(StringView text);
  void screen_alignment();

  // Screens and saved state (terminal_screen.cpp).
  void save_cursor();
  void restore_cursor();
  void enter_alternate(bool clear);
  void leave_alternate(bool clear);
  Saved& saved() { return saved_[alternate_active_ ? 1 : 0]; }

  // SGR (terminal_sgr.cpp).
  void resolve_pen();
  void select_graphic_rendition(const CsiParams& p);
  usize sgr_one(const CsiParams& p, usize i);
  usize sgr_extended_colour(const CsiParams& p, usize i, Colour* target);

  Cell blank() const { return Cell{U' ', pen_.fg_rgb, pen_.bg_rgb, 0}; }
  Cell pen_cell(char32_t cp, u32 extra_attrs = 0) const {
    return Cell{cp, pen_.fg_rgb, pen_.bg_rgb, pen_.attrs | extra_attrs};
  }
  u32 columns() const { return grid_->columns(); }
  u32 rows() const { return grid_->rows(); }

  CellGrid* grid_ = nullptr;
  Options options_;
  Span<Cell> alternate_cells_;
  Scrollback* scrollback_ = nullptr;
  VtParser parser_;
  u32 x_ = 0, y_ = 0;
  u32 top_ = 0, bottom_ = 0;  // scroll region (DECSTBM), inclusive
  bool wrap_pending_ = false;
  bool autowrap_ = true;
  bool origin_mode_ = false;
  bool insert_mode_ = false;
  bool newline_mode_ = true;
  bool cursor_visible_ = true;
  bool bracketed_paste_ = false;
  bool application_cursor_keys_ = false;
  bool alternate_active_ = false;
  CursorStyle cursor_style_ = CursorStyle::Block;
  Charset charset_[2] = {kAscii, kAscii};  // G0, G1
  u8 gl_ = 0;                              // which of them is in GL (SI: 0, SO: 1)
  char32_t last_printed_ = 0;              // for REP; 0 when nothing may be repeated
  u32 mark_x_ = 0, mark_y_ = 0;            // the cell a combining mark would join
  bool mark_valid_ = false;
  Pen pen_;
  Saved saved_[2];  // normal screen, alternate screen
  u64 tabs_[kTabWords] = {};
  char replies_[kReplyCapacity] = {};
  usize reply_length_ = 0;
  u32 view_offset_ = 0;
  u64 unsupported_ = 0;
};

}  // namespace libk
