// A VT100/xterm-style terminal over a CellGrid: text, C0 controls and the common escape
// sequences, with no hardware and no rendering (TextRenderer draws the grid).
//
// Supported (ECMA-48 names; xterm's ctlseqs document for the private modes):
//   C0:  BS, HT (stops every 8 columns), LF/VT/FF (plus CR in newline mode), CR;
//        CAN/SUB abort a sequence; other C0 controls are ignored.
//   ESC: 7/8 (DECSC/DECRC save/restore cursor), c (RIS reset), D (IND), E (NEL), M (RI).
//   CSI: A/B/C/D (CUU/CUD/CUF/CUB), E/F (CNL/CPL), G (CHA), H/f (CUP/HVP), d (VPA),
//        J (ED 0-3), K (EL 0-2), X (ECH), S/T (SU/SD scroll), s/u (save/restore cursor),
//        m (SGR), h/l (SM/RM: 20 = LNM), ?h/?l (DECSET/DECRST: 7 = autowrap, 25 = cursor).
//   SGR: 0 reset, 1 bold, 2 faint, 3 italic, 4 underline, 5/6 blink, 7 reverse, 8 conceal,
//        9 strike, 21 double underline, 22-29 their resets, 30-37/90-97 and 40-47/100-107
//        the 16 colours, 38/48 with ;5;n or ;2;r;g;b (and the ':' forms) for 256 colours
//        and truecolor, 39/49 default colours.
// Everything else is consumed harmlessly. Erasing and scrolling fill with the current
// background colour (xterm's "background colour erase"). Wrapping is deferred: a character
// written in the last column leaves the cursor there until the next one arrives.
//
// Invariant, whatever the input: 0 <= cursor_x() < columns and 0 <= cursor_y() < rows.
#pragma once

#include <libk/cell_grid.hpp>
#include <libk/palette.hpp>
#include <libk/vt_parser.hpp>

namespace libk {

class Terminal {
 public:
  struct Options {
    TerminalTheme theme = kEmberTheme;
    bool newline_mode = true;  // LNM: LF also returns the carriage (no tty layer adds CR)
    bool cursor_visible = true;
  };

  constexpr Terminal() = default;

  // Attaches to a ready grid, clears it and resets every state to `options`.
  void init(CellGrid& grid, const Options& options);
  bool ready() const { return grid_ != nullptr; }

  void write(StringView bytes);

  // RIS: clear the screen, home the cursor, default colours and modes.
  void reset();
  // Abandons a half-received escape or UTF-8 sequence; the screen is kept.
  void abort_sequence() { parser_.reset(); }

  u32 cursor_x() const { return x_; }
  u32 cursor_y() const { return y_; }
  bool cursor_visible() const { return cursor_visible_; }
  const CellGrid& grid() const { return *grid_; }
  CellGrid& grid() { return *grid_; }
  const TerminalTheme& theme() const { return options_.theme; }

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
  struct Saved {
    u32 x = 0, y = 0;
    Pen pen;
    bool wrap_pending = false;
  };

  // VtParser's callbacks.
  void print(char32_t cp);
  void execute(u8 control);
  void esc_dispatch(u8 intermediate, u8 final);
  void csi_dispatch(const CsiParams& p, u8 private_marker, u8 intermediate, u8 final);

  void print_ascii_run(const char* text, usize count);
  void wrap();
  void index();
  void reverse_index();
  void move_to(i64 x, i64 y);
  void erase_display(u32 mode);
  void erase_line(u32 mode);
  void set_mode(const CsiParams& p, bool dec_private, bool on);
  void save_cursor();
  void restore_cursor();
  void resolve_pen();
  Cell blank() const { return Cell{U' ', pen_.fg_rgb, pen_.bg_rgb, 0}; }

  // SGR (terminal_sgr.cpp).
  void select_graphic_rendition(const CsiParams& p);
  usize sgr_one(const CsiParams& p, usize i);
  usize sgr_extended_colour(const CsiParams& p, usize i, Colour* target);

  CellGrid* grid_ = nullptr;
  Options options_;
  VtParser parser_;
  u32 x_ = 0, y_ = 0;
  bool wrap_pending_ = false;
  bool autowrap_ = true;
  bool newline_mode_ = true;
  bool cursor_visible_ = true;
  Pen pen_;
  Saved saved_;
};

}  // namespace libk
