// A TextConsole on a framebuffer in host memory: what ember-term, the host tests and the
// benchmarks draw on. The framebuffer is a plain byte vector laid out like the loader's
// (pitch bytes per line, 32-bit pixels in `packer`'s format).
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include <fonts/embedded_fonts.hpp>
#include <libk/text_console.hpp>

#include "png.hpp"

namespace image {

class HostScreen {
 public:
  struct Config {
    uint32_t width = 1024;
    uint32_t height = 768;
    uint32_t pitch = 0;  // 0: width * 4
    libk::PixelPacker packer = libk::PixelPacker::bgrx();
    std::string font;  // empty: libk::default_console_font(width)
    libk::Terminal::Options options = libk::console_terminal_options();
    uint8_t fill = 0xA5;          // initial framebuffer bytes, so unwritten pixels stand out
    libk::CopyFn copy = nullptr;  // the renderer's copy routine (nullptr: a plain copy)
  };

  HostScreen() = default;
  HostScreen(const HostScreen&) = delete;

  // Returns an empty string on success, else the reason.
  std::string init(const Config& config) {
    config_ = config;
    if (config_.pitch == 0) config_.pitch = config_.width * 4;
    std::string name = config_.font.empty()
                           ? std::string(libk::default_console_font(config_.width).data(),
                                         libk::default_console_font(config_.width).size())
                           : config_.font;
    const fonts::EmbeddedFont* embedded = fonts::find(libk::StringView(name.c_str()));
    if (!embedded) return "unknown font " + name;
    auto font = libk::psf::parse(embedded->data);
    if (!font)
      return std::string("font ") + name + ": " + libk::psf::error_text(font.error()).data();
    framebuffer_.assign(size_t(config_.pitch) * config_.height, config_.fill);
    libk::FramebufferView view{framebuffer_.data(), config_.width, config_.height, config_.pitch,
                               config_.packer};
    auto layout = libk::TextConsole::layout(view, font.value());
    memory_.assign(layout.bytes / 8 + 1, 0);
    libk::Span<u8> block(reinterpret_cast<u8*>(memory_.data()), memory_.size() * 8);
    if (!console_.init(view, font.value(), block, config_.options, config_.copy))
      return "framebuffer too small";
    console_.renderer().set_wide_font(&fonts::kWideFont);
    return "";
  }

  // Gives the terminal a scrollback of `lines` lines, as the kernel does once its heap is up.
  bool attach_scrollback(uint32_t lines) {
    uint32_t columns = console_.terminal().grid().columns();
    history_.assign(size_t(columns) * lines, libk::Cell{});
    return scrollback_.init({history_.data(), history_.size()}, columns, lines) &&
           console_.terminal().set_scrollback(&scrollback_);
  }

  // Row y of what the view shows (the screen, or scrollback lines above it) as text.
  std::string view_text(uint32_t y) const {
    struct Out final : libk::Sink {
      std::string s;
      void write(libk::StringView t) override { s.append(t.data(), t.size()); }
    } out;
    const libk::Terminal& t = console_.terminal();
    libk::CellGrid::write_cells_text(t.view_row(y), t.grid().columns(), out);
    return out.s;
  }

  libk::TextConsole& console() { return console_; }
  const Config& config() const { return config_; }
  std::vector<uint8_t>& framebuffer() { return framebuffer_; }

  uint32_t pixel(uint32_t x, uint32_t y) const {
    uint32_t v;
    std::memcpy(&v, &framebuffer_[size_t(y) * config_.pitch + size_t(x) * 4], 4);
    return v;
  }

  // The framebuffer as RGB, through the pixel format's unpacker.
  Image snapshot() const {
    Image img;
    img.width = config_.width;
    img.height = config_.height;
    img.pixels.resize(size_t(img.width) * img.height);
    for (uint32_t y = 0; y < img.height; ++y)
      for (uint32_t x = 0; x < img.width; ++x) {
        libk::Rgb c = config_.packer.unpack(pixel(x, y));
        img.at(x, y) = Rgb8{c.r, c.g, c.b};
      }
    return img;
  }

  // Screen row y of the cell grid as UTF-8 text, trailing blanks trimmed.
  std::string row_text(uint32_t y) const {
    struct StringSink final : libk::Sink {
      std::string s;
      void write(libk::StringView t) override { s.append(t.data(), t.size()); }
    } sink;
    console_.terminal().grid().write_row_text(y, sink);
    return sink.s;
  }

 private:
  Config config_;
  std::vector<uint8_t> framebuffer_;
  std::vector<uint64_t> memory_;
  libk::TextConsole console_;
  std::vector<libk::Cell> history_;
  libk::Scrollback scrollback_;
};

}  // namespace image
