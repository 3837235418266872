// Splitting a terminal byte stream into text and control functions: UTF-8 decoding, C0
// controls, ESC sequences, CSI sequences with parameters, and control strings (OSC, DCS,
// SOS, PM, APC) which are consumed and ignored.
//
// The states and transitions follow the DEC-compatible parser described by Paul Flo
// Williams ("A parser for DEC's ANSI-compatible video terminals", vt100.net), over code
// points instead of bytes: the stream is UTF-8 decoded first (invalid sequences become
// U+FFFD). Nothing here can fail: unknown or malformed sequences end in a state that
// consumes them, CAN/SUB abort a sequence, ESC starts a new one, and parameters saturate
// instead of overflowing.
//
// A Handler provides:
//   void print(char32_t cp);            // a graphic character
//   void execute(u8 control);           // a C0 control (BS, HT, LF, CR, ...)
//   void esc_dispatch(u8 intermediate, u8 final);
//   void csi_dispatch(const CsiParams& p, u8 private_marker, u8 intermediate, u8 final);
#pragma once

#include <libk/utf8.hpp>

namespace libk {

struct CsiParams {
  static constexpr usize kMax = 16;
  static constexpr u32 kMaxValue = 65535;

  u32 values[kMax];
  u32 count;
  u32 colon_mask;  // bit i: values[i] came after ':' (a sub-parameter of the one before)

  // Parameter i, or `fallback` if it is missing or zero (the ECMA-48 default rule).
  u32 get_or(usize i, u32 fallback) const {
    return i < count && values[i] != 0 ? values[i] : fallback;
  }
  u32 raw(usize i) const { return i < count ? values[i] : 0; }
  bool is_sub(usize i) const { return i < count && (colon_mask >> i) & 1; }
};

class VtParser {
 public:
  constexpr VtParser() = default;

  // True when no sequence (or UTF-8 character) is in progress: the next byte is text or
  // the start of a control.
  bool idle() const { return state_ == State::Ground && !utf8_.pending(); }

  // Abandons any sequence in progress (the panic path uses this).
  void reset() {
    state_ = State::Ground;
    utf8_ = Utf8Decoder();
  }

  template <typename Handler>
  void feed(u8 byte, Handler& h) {
    if (byte < 0x80 && !utf8_.pending()) return step(byte, h);  // ASCII: no decoding needed
    char32_t out[2];
    usize n = utf8_.feed(byte, out);
    for (usize i = 0; i < n; ++i) step(out[i], h);
  }

 private:
  enum class State : u8 {
    Ground,
    Escape,
    EscapeIntermediate,
    CsiEntry,
    CsiParam,
    CsiIntermediate,
    CsiIgnore,
    String,
    StringEscape,
  };

  template <typename Handler>
  void step(char32_t c, Handler& h) {
    if (c == 0x18 || c == 0x1A) {  // CAN, SUB: abort whatever is in progress
      state_ = State::Ground;
      return;
    }
    if (c == 0x1B && state_ != State::String && state_ != State::StringEscape) {
      enter_escape();
      return;
    }
    switch (state_) {
      case State::Ground: return ground(c, h);
      case State::Escape: return escape(c, h);
      case State::EscapeIntermediate: return escape_intermediate(c, h);
      case State::CsiEntry: return csi_entry(c, h);
      case State::CsiParam: return csi_param(c, h);
      case State::CsiIntermediate: return csi_intermediate(c, h);
      case State::CsiIgnore: return csi_ignore(c, h);
      case State::String: return string(c);
      case State::StringEscape: return string_escape(c, h);
    }
  }

  static bool is_c0(char32_t c) { return c < 0x20; }
  static bool is_intermediate(char32_t c) { return c >= 0x20 && c <= 0x2F; }
  static bool is_final(char32_t c) { return c >= 0x40 && c <= 0x7E; }

  void enter_escape() {
    state_ = State::Escape;
    intermediate_ = 0;
  }

  void enter_csi() {
    state_ = State::CsiEntry;
    params_.count = 0;
    params_.colon_mask = 0;
    private_ = 0;
    intermediate_ = 0;
    overflow_ = false;
  }

  template <typename Handler>
  void ground(char32_t c, Handler& h) {
    if (is_c0(c))
      h.execute(u8(c));
    else if (c != 0x7F)
      h.print(c);
  }

  // A code point that cannot be part of a sequence (non-ASCII text) ends it; the text is
  // kept rather than lost.
  template <typename Handler>
  bool abort_on_text(char32_t c, Handler& h) {
    if (c < 0x80) return false;
    state_ = State::Ground;
    h.print(c);
    return true;
  }

  template <typename Handler>
  void escape(char32_t c, Handler& h) {
    if (abort_on_text(c, h)) return;
    if (is_c0(c)) return h.execute(u8(c));
    if (is_intermediate(c)) {
      intermediate_ = u8(c);
      state_ = State::EscapeIntermediate;
    } else if (c == '[') {
      enter_csi();
    } else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
      state_ = State::String;  // OSC, DCS, SOS, PM, APC: consumed up to ST (or BEL)
    } else if (c >= 0x30 && c <= 0x7E) {
      state_ = State::Ground;
      h.esc_dispatch(0, u8(c));
    }  // DEL: ignored
  }

  template <typename Handler>
  void escape_intermediate(char32_t c, Handler& h) {
    if (abort_on_text(c, h)) return;
    if (is_c0(c)) return h.execute(u8(c));
    if (is_intermediate(c)) return;  // only the first intermediate is kept
    if (c >= 0x30 && c <= 0x7E) {
      state_ = State::Ground;
      h.esc_dispatch(intermediate_, u8(c));
    }
  }

  void add_param_char(char32_t c) {
    if (params_.count == 0) params_.values[0] = 0, params_.count = 1;
    if (c == ';' || c == ':') {
      if (params_.count < CsiParams::kMax) {
        if (c == ':') params_.colon_mask |= 1u << params_.count;
        params_.values[params_.count++] = 0;
      } else {
        overflow_ = true;  // further parameters are dropped
      }
      return;
    }
    if (overflow_) return;
    u32& v = params_.values[params_.count - 1];
    v = v * 10 + u32(c - '0');
    if (v > CsiParams::kMaxValue) v = CsiParams::kMaxValue;
  }

  template <typename Handler>
  void csi_entry(char32_t c, Handler& h) {
    if (c >= 0x3C && c <= 0x3F) {
      private_ = u8(c);
      state_ = State::CsiParam;
      return;
    }
    csi_param(c, h);
  }

  template <typename Handler>
  void csi_param(char32_t c, Handler& h) {
    if (abort_on_text(c, h)) return;
    if (is_c0(c)) return h.execute(u8(c));
    if ((c >= '0' && c <= '9') || c == ';' || c == ':') {
      state_ = State::CsiParam;
      return add_param_char(c);
    }
    if (c >= 0x3C && c <= 0x3F) {
      state_ = State::CsiIgnore;  // a private marker after parameters: malformed
    } else if (is_intermediate(c)) {
      intermediate_ = u8(c);
      state_ = State::CsiIntermediate;
    } else if (is_final(c)) {
      state_ = State::Ground;
      h.csi_dispatch(params_, private_, 0, u8(c));
    }
  }

  template <typename Handler>
  void csi_intermediate(char32_t c, Handler& h) {
    if (abort_on_text(c, h)) return;
    if (is_c0(c)) return h.execute(u8(c));
    if (is_intermediate(c)) return;
    if (c >= 0x30 && c <= 0x3F) {
      state_ = State::CsiIgnore;
    } else if (is_final(c)) {
      state_ = State::Ground;
      h.csi_dispatch(params_, private_, intermediate_, u8(c));
    }
  }

  template <typename Handler>
  void csi_ignore(char32_t c, Handler& h) {
    if (abort_on_text(c, h)) return;
    if (is_c0(c)) return h.execute(u8(c));
    if (is_final(c)) state_ = State::Ground;
  }

  void string(char32_t c) {
    if (c == 0x07)
      state_ = State::Ground;  // BEL ends an OSC (xterm)
    else if (c == 0x1B)
      state_ = State::StringEscape;
  }

  template <typename Handler>
  void string_escape(char32_t c, Handler& h) {
    if (c == '\\') {  // ST
      state_ = State::Ground;
      return;
    }
    // Any other ESC sequence ends the string and starts anew.
    enter_escape();
    step(c, h);
  }

  Utf8Decoder utf8_;
  State state_ = State::Ground;
  u8 private_ = 0;
  u8 intermediate_ = 0;
  bool overflow_ = false;
  CsiParams params_ = {};
};

}  // namespace libk
