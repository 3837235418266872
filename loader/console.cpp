#include <libk/utf8.hpp>

#include "loader.hpp"

namespace loader {

namespace {

// Converts UTF-8 to UCS-2 in small batches for ConOut->OutputString.
class ConOutSink final : public libk::Sink {
 public:
  void write(libk::StringView text) override {
    libk::decode_utf8(text, [this](char32_t cp) {
      if (cp == '\n') push(u'\r');
      push(cp > 0xFFFF ? u'?' : char16_t(cp));
    });
    flush();
  }

 private:
  void push(char16_t c) {
    if (length_ == kCapacity) flush();
    buffer_[length_++] = c;
  }
  void flush() {
    if (length_ == 0) return;
    buffer_[length_] = 0;
    auto* out = firmware.system->ConOut;
    out->OutputString(out, reinterpret_cast<CHAR16*>(buffer_));
    length_ = 0;
  }

  static constexpr usize kCapacity = 127;
  char16_t buffer_[kCapacity + 1] = {};
  usize length_ = 0;
};

constinit ConOutSink con_out;

}  // namespace

libk::Sink& console() { return con_out; }

}  // namespace loader

namespace libk {

void Formatter<loader::Status>::format(Sink& sink, const loader::Status& s, const FormatSpec&) {
  const char* name = nullptr;
  switch (s.value) {
    case EFI_SUCCESS: name = "EFI_SUCCESS"; break;
    case EFI_LOAD_ERROR: name = "EFI_LOAD_ERROR"; break;
    case EFI_INVALID_PARAMETER: name = "EFI_INVALID_PARAMETER"; break;
    case EFI_UNSUPPORTED: name = "EFI_UNSUPPORTED"; break;
    case EFI_BUFFER_TOO_SMALL: name = "EFI_BUFFER_TOO_SMALL"; break;
    case EFI_NOT_READY: name = "EFI_NOT_READY"; break;
    case EFI_DEVICE_ERROR: name = "EFI_DEVICE_ERROR"; break;
    case EFI_OUT_OF_RESOURCES: name = "EFI_OUT_OF_RESOURCES"; break;
    case EFI_VOLUME_CORRUPTED: name = "EFI_VOLUME_CORRUPTED"; break;
    case EFI_NO_MEDIA: name = "EFI_NO_MEDIA"; break;
    case EFI_NOT_FOUND: name = "EFI_NOT_FOUND"; break;
    case EFI_ACCESS_DENIED: name = "EFI_ACCESS_DENIED"; break;
    case EFI_NOT_STARTED: name = "EFI_NOT_STARTED"; break;
    case EFI_ABORTED: name = "EFI_ABORTED"; break;
    case EFI_SECURITY_VIOLATION: name = "EFI_SECURITY_VIOLATION"; break;
    default: break;
  }
  if (name)
    format_to(sink, "{}", name);
  else
    format_to(sink, "status {:#x}", u64(s.value));
}

}  // namespace libk
