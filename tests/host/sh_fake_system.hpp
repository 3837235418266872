// A fake sh::System for the executor's host tests: descriptors are names of open objects
// ("tty", "pipe1.r", "pipe1.w", "file /out"), spawned children get a copy of the shell's table
// with their FileActions applied (as fork+exec or posix_spawn would), and every call is logged
// in order. Programs end when waited for, with the status the test set for their path.
#pragma once

#include <algorithm>
#include <map>
#include <sh/system.hpp>
#include <string>
#include <vector>

namespace test {

struct FakeChild {
  std::string path;
  std::vector<std::string> argv;
  std::map<int, std::string> fds;  // descriptor -> object, after the actions
  i64 group = sh::kGroupShell;     // as spawn was asked (kGroupNew: its own pid)
  bool waited = false;
  i64 status = -1;  // a copy of the shell (fork_run): its body's result
};

class FakeSystem final : public sh::System {
 public:
  FakeSystem() { fds = {{0, "tty"}, {1, "tty"}, {2, "tty"}}; }

  // Configuration.
  std::map<std::string, i64> status_of = {{"/bin/true", 0}, {"/bin/false", 1}, {"/bin/a", 0},
                                          {"/bin/b", 0},    {"/bin/c", 0},     {"/bin/hello", 0}};
  std::map<std::string, std::string> files;  // for open() and read(): path -> contents
  usize read_chunk = 7;                      // read() returns at most this many bytes
  bool line_at_a_time = false;               // read() stops after a newline (a terminal)
  bool no_pipe = false, no_actions = false, no_chdir = false, no_job_control = false,
       no_fork = false;

  // What happened.
  std::map<int, std::string> fds;  // the shell's own descriptors
  std::map<i64, FakeChild> children;
  std::vector<std::string> log;  // "pipe 3 4", "spawn 5 /bin/a", "close 3", "wait 5", ...
  std::string diagnostics;
  std::string cwd = "/";
  std::string prompts;  // "$" per primary prompt, ">" per continuation prompt

  libk::Result<i64, sh::SpawnError> spawn(const char* path, const char* const* argv,
                                          libk::Span<const sh::FileAction> actions,
                                          i64 group) override {
    if (no_actions && !actions.empty())
      return libk::unexpected(sh::SpawnError{sh::Error::NoSys, -1});
    if (!status_of.count(path)) return libk::unexpected(sh::SpawnError{sh::Error::NoEntry, -1});
    FakeChild child{path, {}, fds};
    for (usize i = 0; argv[i]; ++i) child.argv.push_back(argv[i]);
    for (usize i = 0; i < actions.size(); ++i)
      if (auto r = apply(child.fds, actions[i]); !r)
        return libk::unexpected(sh::SpawnError{r.error(), i32(i)});
    i64 pid = next_pid_++;
    child.group = group == sh::kGroupNew ? pid : group;
    children[pid] = child;
    log.push_back("spawn " + std::to_string(pid) + " " + path);
    return pid;
  }

  libk::Result<i64, sh::Error> wait(i64 pid) override {
    auto it = children.find(pid);
    if (it == children.end() || it->second.waited) return libk::unexpected(sh::Error::NoChild);
    it->second.waited = true;
    log.push_back("wait " + std::to_string(pid));
    const FakeChild& c = it->second;
    if (c.path == "/bin/exit" && c.argv.size() > 1) return i64(std::stoi(c.argv[1]));
    if (c.status >= 0) return c.status;
    return status_of[c.path];
  }

  libk::Result<sh::PipeFds, sh::Error> pipe() override {
    if (no_pipe) return libk::unexpected(sh::Error::NoSys);
    int n = ++pipes_;
    int r = lowest_free(fds), w;
    fds[r] = "pipe" + std::to_string(n) + ".r";
    w = lowest_free(fds);
    fds[w] = "pipe" + std::to_string(n) + ".w";
    log.push_back("pipe " + std::to_string(r) + " " + std::to_string(w));
    return sh::PipeFds{r, w};
  }

  libk::Result<i32, sh::Error> open(const char* path, u32 flags) override {
    if (std::string(path).rfind("/nope", 0) == 0) return libk::unexpected(sh::Error::NoEntry);
    if ((flags & sh::kOpenCreate) && !files.count(path)) files[path] = "";
    if (!files.count(path)) return libk::unexpected(sh::Error::NoEntry);
    int fd = lowest_free(fds);
    fds[fd] = std::string("file ") + path;
    offsets_[fd] = 0;
    log.push_back("open " + std::string(path));
    return fd;
  }

  libk::Result<void, sh::Error> dup2(i32 from, i32 to) override {
    auto it = fds.find(from);
    if (it == fds.end()) return libk::unexpected(sh::Error::BadDescriptor);
    fds[to] = it->second;
    log.push_back("dup2 " + std::to_string(from) + " " + std::to_string(to));
    return {};
  }

  libk::Result<void, sh::Error> close(i32 fd) override {
    if (!fds.erase(fd)) return libk::unexpected(sh::Error::BadDescriptor);
    log.push_back("close " + std::to_string(fd));
    return {};
  }

  libk::Result<usize, sh::Error> read(i32 fd, char* buffer, usize size) override {
    auto it = fds.find(fd);
    if (it == fds.end()) return libk::unexpected(sh::Error::BadDescriptor);
    if (it->second.rfind("file ", 0) != 0) return libk::unexpected(sh::Error::NoSys);
    const std::string& text = files[it->second.substr(5)];
    usize at = offsets_[fd], n = std::min({size, read_chunk, text.size() - at});
    if (line_at_a_time && text.find('\n', at) != std::string::npos)
      n = std::min(n, text.find('\n', at) + 1 - at);
    text.copy(buffer, n, at);
    offsets_[fd] += n;
    return n;
  }

  libk::Result<void, sh::Error> chdir(const char* path) override {
    if (no_chdir) return libk::unexpected(sh::Error::NoSys);
    if (std::string(path) == "/nope") return libk::unexpected(sh::Error::NoEntry);
    cwd = path;
    log.push_back("chdir " + cwd);
    return {};
  }

  // The copy of the shell runs here and now (its spawns and waits are logged in order, between
  // "fork N" and "exit N S"); waiting for it gives body's status.
  libk::Result<i64, sh::Error> fork_run(i64 (*body)(void*), void* context) override {
    if (no_fork) return libk::unexpected(sh::Error::NoSys);
    i64 pid = next_pid_++;
    FakeChild copy{"(copy of the shell)", {}, fds};
    copy.group = pid;
    log.push_back("fork " + std::to_string(pid));
    i64 status = body(context);
    log.push_back("exit " + std::to_string(pid) + " " + std::to_string(status));
    copy.status = status;
    children[pid] = copy;
    return pid;
  }

  libk::Result<void, sh::Error> set_foreground(i64 group) override {
    if (no_job_control) return libk::unexpected(sh::Error::NoSys);
    log.push_back("foreground " + std::to_string(group));
    return {};
  }

  void prompt(bool continuation) override { prompts += continuation ? ">" : "$"; }

  void diagnostic(libk::StringView text) override { diagnostics.append(text.data(), text.size()); }

  // The children in the order they started.
  std::vector<FakeChild*> started() {
    std::vector<FakeChild*> out;
    for (auto& [pid, c] : children) out.push_back(&c);
    return out;
  }
  // How many descriptors, in the shell and in children not yet waited for, refer to `object`.
  int references(const std::string& object) const {
    int n = 0;
    for (auto& [fd, o] : fds) n += o == object;
    for (auto& [pid, c] : children)
      if (!c.waited)
        for (auto& [fd, o] : c.fds) n += o == object;
    return n;
  }

 private:
  static int lowest_free(const std::map<int, std::string>& table) {
    int fd = 0;
    while (table.count(fd)) ++fd;
    return fd;
  }

  libk::Result<void, sh::Error> apply(std::map<int, std::string>& table, const sh::FileAction& a) {
    switch (a.kind) {
      case sh::FileAction::Kind::Open: {
        std::string path = a.path;
        if (path.rfind("/nope", 0) == 0) return libk::unexpected(sh::Error::NoEntry);
        std::string mode = (a.flags & sh::kOpenRead) ? "r" : "";
        if (a.flags & sh::kOpenWrite) mode += "w";
        if (a.flags & sh::kOpenCreate) mode += "c";
        if (a.flags & sh::kOpenTruncate) mode += "t";
        if (a.flags & sh::kOpenAppend) mode += "a";
        table[a.fd] = "file " + path + " (" + mode + ")";
        return {};
      }
      case sh::FileAction::Kind::Dup2:
        if (!table.count(a.source)) return libk::unexpected(sh::Error::BadDescriptor);
        table[a.fd] = table[a.source];
        return {};
      case sh::FileAction::Kind::Close: table.erase(a.fd); return {};
    }
    return {};
  }

  i64 next_pid_ = 10;
  int pipes_ = 0;
  std::map<int, usize> offsets_;
};

}  // namespace test
