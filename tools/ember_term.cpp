// ember-term: runs Ember's console (libk terminal + renderer + the kernel's fonts) on the
// host over a byte stream, then writes the screen as PNG/PPM and/or prints the cell grid.
// Used for golden images (tests/console/, tests/qemu/) and the pictures in docs/.
//
//   ember-term [--size WxH] [--font NAME] [--format bgrx|rgbx] [--masks R,G,B]
//              [--pitch BYTES] [--cursor] [--scrollback LINES] [--view-back LINES]
//              [--png FILE] [--ppm FILE] [--text] [FILE|-]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "image/host_screen.hpp"

namespace {

[[noreturn]] void usage(const std::string& problem) {
  if (!problem.empty()) std::cerr << "ember-term: " << problem << "\n";
  std::cerr << "usage: ember-term [--size WxH] [--font terminus16|terminus32]\n"
               "                  [--format bgrx|rgbx] [--masks 0xR,0xG,0xB] [--pitch BYTES]\n"
               "                  [--cursor] [--scrollback LINES] [--view-back LINES]\n"
               "                  [--png FILE] [--ppm FILE] [--text] [FILE|-]\n"
               "Feeds FILE (default: stdin) to Ember's console and writes the screen;\n"
               "--view-back shows the view that many lines back into the scrollback\n"
               "(of --scrollback lines, default 2000), as Shift+PgUp does.\n";
  std::exit(2);
}

struct Args {
  image::HostScreen::Config config;
  std::string input = "-", png, ppm;
  bool text = false;
  uint32_t scrollback = 0, view_back = 0;
};

uint32_t parse_number(const std::string& s, const char* what) {
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 0);
  if (s.empty() || *end != '\0' || v > 0xFFFFFFFFul) usage(std::string("bad ") + what + ": " + s);
  return uint32_t(v);
}

void parse_size(const std::string& s, Args& a) {
  size_t x = s.find('x');
  if (x == std::string::npos) usage("bad --size (want WxH): " + s);
  a.config.width = parse_number(s.substr(0, x), "width");
  a.config.height = parse_number(s.substr(x + 1), "height");
  if (a.config.width == 0 || a.config.height == 0 || a.config.width > 8192 ||
      a.config.height > 8192)
    usage("--size out of range: " + s);
}

void parse_masks(const std::string& s, Args& a) {
  std::stringstream in(s);
  std::string part;
  uint32_t masks[3];
  for (uint32_t& m : masks) {
    if (!std::getline(in, part, ',')) usage("bad --masks (want R,G,B): " + s);
    m = parse_number(part, "mask");
  }
  a.config.packer = libk::PixelPacker::from_masks({masks[0], masks[1], masks[2]});
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--size")
      parse_size(value(), a);
    else if (arg == "--font")
      a.config.font = value();
    else if (arg == "--format") {
      std::string f = value();
      if (f == "bgrx")
        a.config.packer = libk::PixelPacker::bgrx();
      else if (f == "rgbx")
        a.config.packer = libk::PixelPacker::rgbx();
      else
        usage("unknown --format " + f);
    } else if (arg == "--masks")
      parse_masks(value(), a);
    else if (arg == "--pitch")
      a.config.pitch = parse_number(value(), "pitch");
    else if (arg == "--cursor")
      a.config.options.cursor_visible = true;
    else if (arg == "--scrollback")
      a.scrollback = parse_number(value(), "scrollback");
    else if (arg == "--view-back")
      a.view_back = parse_number(value(), "view-back");
    else if (arg == "--png")
      a.png = value();
    else if (arg == "--ppm")
      a.ppm = value();
    else if (arg == "--text")
      a.text = true;
    else if (arg == "--help" || arg == "-h")
      usage("");
    else if (arg.size() > 1 && arg[0] == '-')
      usage("unknown option " + arg);
    else
      a.input = arg;
  }
  if (a.config.pitch && a.config.pitch < a.config.width * 4)
    usage("--pitch is less than width * 4");
  if (a.png.empty() && a.ppm.empty() && !a.text) a.text = true;
  return a;
}

std::string read_input(const std::string& path) {
  if (path == "-") return {std::istreambuf_iterator<char>(std::cin), {}};
  std::ifstream f(path, std::ios::binary);
  if (!f) usage("cannot open " + path);
  return {std::istreambuf_iterator<char>(f), {}};
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse_args(argc, argv);
  std::string input = read_input(args.input);
  image::HostScreen screen;
  if (std::string problem = screen.init(args.config); !problem.empty()) usage(problem);
  if (args.view_back && !args.scrollback) args.scrollback = 2000;
  if (args.scrollback && !screen.attach_scrollback(args.scrollback)) usage("bad --scrollback");
  screen.console().write(libk::StringView(input.data(), input.size()));
  screen.console().present();
  if (args.view_back) {
    screen.console().terminal().scroll_view(args.view_back);
    screen.console().present();
  }
  image::Image img = screen.snapshot();
  for (const auto& [path, writer] :
       {std::pair{args.png, &image::write_png}, std::pair{args.ppm, &image::write_ppm}}) {
    if (path.empty()) continue;
    if (std::string problem = writer(path, img); !problem.empty()) {
      std::cerr << "ember-term: " << problem << "\n";
      return 1;
    }
  }
  if (args.text) {
    const libk::Terminal& t = screen.console().terminal();
    for (uint32_t y = 0; y < t.grid().rows(); ++y) std::cout << screen.view_text(y) << "\n";
  }
  return 0;
}
