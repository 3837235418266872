// ember-elfcheck: checks a kernel file with the loader's own validator and explains the
// verdict. What to run when a kernel will not boot. With --user, checks user programs with
// the kernel's own validator instead (what spawn runs before it maps a program).
//
//   ember-elfcheck build/kernel/ember.elf
//   ember-elfcheck --user build/user/hello
//
// Exit status: 0 the loader would accept the file, 1 it would reject it, 2 the file could
// not be read. Copes with any input: directories, FIFOs and devices (refused without reading:
// a FIFO would block forever), empty files, huge files, random bytes.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <boot/kaslr.hpp>
#include <libk/elf.hpp>

namespace {

class StdoutSink final : public libk::Sink {
 public:
  void write(libk::StringView text) override { fwrite(text.data(), 1, text.size(), stdout); }
};

template <typename... Args>
void out(libk::FormatString<Args...> fmt, const Args&... args) {
  static StdoutSink sink;
  libk::format_to(sink, fmt, args...);
}

const char* type_name(u32 type) {
  switch (type) {
    case 0: return "NULL";
    case 1: return "LOAD";
    case 2: return "DYNAMIC";
    case 3: return "INTERP";
    case 4: return "NOTE";
    case 6: return "PHDR";
    case 7: return "TLS";
    case 0x6474e550: return "GNU_EH_FRAME";
    case 0x6474e551: return "GNU_STACK";
    case 0x6474e552: return "GNU_RELRO";
    default: return "OTHER";
  }
}

void flags_text(u32 flags, char out_text[4]) {
  out_text[0] = flags & libk::elf::kFlagRead ? 'R' : '-';
  out_text[1] = flags & libk::elf::kFlagWrite ? 'W' : '-';
  out_text[2] = flags & libk::elf::kFlagExecute ? 'X' : '-';
  out_text[3] = '\0';
}

// Lists whatever program headers lie inside the file, valid or not, so a user sees the
// segment a rejection names.
void list_program_headers(const std::vector<u8>& data) {
  using namespace libk::elf;
  if (data.size() < sizeof(FileHeader) || memcmp(data.data(), kMagic, 4) != 0) return;
  FileHeader h;
  memcpy(&h, data.data(), sizeof(h));
  if (h.phentsize != sizeof(ProgramHeader) || h.phnum == 0) return;
  out("  #  type      offset      filesz      vaddr               memsz       flags\n");
  for (u16 i = 0; i < h.phnum; ++i) {
    u64 at = h.phoff + u64(i) * sizeof(ProgramHeader);
    if (at < h.phoff || at > data.size() || data.size() - at < sizeof(ProgramHeader)) {
      out("  {:<2} (outside the file)\n", i);
      break;
    }
    ProgramHeader ph;
    memcpy(&ph, data.data() + at, sizeof(ph));
    char flags[4];
    flags_text(ph.flags, flags);
    out("  {:<2} {:<9} {:#010x}  {:#010x}  {:#018x}  {:#010x}  {}\n", i, type_name(ph.type),
        ph.offset, ph.filesz, ph.vaddr, ph.memsz, flags);
  }
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Reads a regular file whole. Opened with O_NONBLOCK so that opening a FIFO cannot wait for a
// writer; the type is checked on the opened file, so it cannot change between check and read.
int read_regular_file(const char* path, std::vector<u8>& data, const libk::elf::Limits& limits) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return out("{}: cannot read: {}\n", path, strerror(errno)), 2;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return out("{}: cannot read: {}\n", path, strerror(err)), 2;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return out("{}: is {}, not a kernel file\n", path, file_kind(st.st_mode)), 2;
  }
  if (u64(st.st_size) > limits.max_file_size) {
    close(fd);
    libk::elf::Error e{libk::elf::Problem::FileTooLarge, 0, 0, u64(st.st_size),
                       limits.max_file_size};
    out("{}: rejected: {} [{}]\n", path, e, libk::elf::problem_name(e.problem));
    return 1;
  }
  data.resize(size_t(st.st_size));
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
  }
  close(fd);
  data.resize(got);
  return 0;
}

int check(const char* path, bool user) {
  std::vector<u8> data;
  libk::elf::Limits limits = user ? libk::elf::kUserLimits : libk::elf::Limits{};
  if (int status = read_regular_file(path, data, limits); status != 0) return status;
  libk::Bytes bytes(data.data(), data.size());
  auto plan = user ? libk::elf::validate_user_program(bytes, limits)
                   : libk::elf::validate_kernel(bytes, limits);
  if (!plan) {
    out("{}: rejected: {} [{}]\n", path, plan.error(),
        libk::elf::problem_name(plan.error().problem));
    list_program_headers(data);
    return 1;
  }
  const libk::elf::LoadPlan& p = plan.value();
  if (user) {
    out("{}: ok (user program): entry {:#x}, image {:#x}-{:#x} ({} bytes), {} loadable segments\n",
        path, p.entry, p.image_begin, p.image_end, p.span(), p.segment_count);
    list_program_headers(data);
    return 0;
  }
  out("{}: ok: entry {:#x}, image {:#x}-{:#x} ({} bytes), {} loadable segments, {} relocations\n",
      path, p.entry, p.image_begin, p.image_end, p.span(), p.segment_count, p.relocation_count);
  out("  KASLR: one of {} 2 MiB-aligned places in the kernel image window [{:#x}, {:#x})\n",
      boot::kaslr::place_count(p.image_begin, p.span()), boot::layout::kKernelImage.base,
      boot::layout::kKernelImage.base + boot::layout::kKernelImage.size);
  list_program_headers(data);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0) {
    fprintf(stderr,
            "usage: ember-elfcheck KERNEL.elf...\n"
            "       ember-elfcheck --user PROGRAM...\n"
            "Checks kernel files as ember-loader would (with --user: user programs as the\n"
            "kernel's spawn would). Exit 0: all accepted; 1: one was rejected; 2: one could\n"
            "not be read.\n");
    return argc < 2 ? 2 : 0;
  }
  bool user = strcmp(argv[1], "--user") == 0;
  if (user && argc < 3) return fprintf(stderr, "ember-elfcheck: --user needs a file\n"), 2;
  int worst = 0;
  for (int i = user ? 2 : 1; i < argc; ++i) {
    int r = check(argv[i], user);
    if (r > worst) worst = r;
  }
  return worst;
}
