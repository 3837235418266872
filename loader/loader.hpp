// Shared declarations of the Ember UEFI loader: firmware handles, failures, console output.
#pragma once

#include <libk/format.hpp>
#include <libk/result.hpp>

#include "efi.hpp"

namespace loader {

inline constexpr const char* kName = "ember-loader";

// Set once at entry; the firmware's tables stay valid until ExitBootServices.
struct Firmware {
  EFI_HANDLE image;
  EFI_SYSTEM_TABLE* system;
  EFI_BOOT_SERVICES* boot;
  // Set before the first ExitBootServices call: from then on the firmware may be half shut
  // down, and only COM1 is left for reporting.
  bool exiting_boot_services;
};
extern constinit Firmware firmware;

// Why booting stopped. The text is shown as "ember-loader: <text>".
struct Failure {
  EFI_STATUS status;
  char text[256];
};

template <typename T>
using Expected = libk::Result<T, Failure>;

template <typename... Args>
libk::Unexpected<Failure> fail(EFI_STATUS status, libk::FormatString<Args...> fmt,
                               const Args&... args) {
  Failure f;
  f.status = status;
  libk::format_into(f.text, sizeof(f.text), fmt, args...);
  return {f};
}

// Says that booting stopped and waits a few seconds so the message can be read; the caller
// then returns to the firmware. Only before ExitBootServices.
void report_cannot_boot();

// The firmware console (ConOut): UTF-8 in, UCS-2 out, "\n" becomes "\r\n". OVMF mirrors it
// to the serial port. Only usable before ExitBootServices.
libk::Sink& console();

template <typename... Args>
void print(libk::FormatString<Args...> fmt, const Args&... args) {
  libk::format_to(console(), fmt, args...);
}

// A status as its UEFI name ("EFI_NOT_FOUND"), or its number.
struct Status {
  EFI_STATUS value;
};

}  // namespace loader

namespace libk {
template <>
struct Formatter<loader::Status> {
  static void format(Sink& sink, const loader::Status& s, const FormatSpec& spec);
};
}  // namespace libk
