#include "video.hpp"

#include <libk/video_mode.hpp>

namespace loader {

namespace {

constinit EFI_GUID kGopGuid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
constinit EFI_GUID kEdidActiveGuid = EFI_EDID_ACTIVE_PROTOCOL_GUID;
constinit EFI_GUID kEdidDiscoveredGuid = EFI_EDID_DISCOVERED_PROTOCOL_GUID;

constexpr usize kMaxModes = 256;

struct Gop {
  EFI_HANDLE handle;
  EFI_GRAPHICS_OUTPUT_PROTOCOL* protocol;
};

// Prefers the GOP on the console-out handle (the display the firmware is using).
libk::Optional<Gop> find_gop() {
  void* gop = nullptr;
  EFI_HANDLE con_out = firmware.system->ConsoleOutHandle;
  if (con_out && !EFI_ERROR(firmware.boot->HandleProtocol(con_out, &kGopGuid, &gop)))
    return Gop{con_out, static_cast<EFI_GRAPHICS_OUTPUT_PROTOCOL*>(gop)};
  UINTN count = 0;
  EFI_HANDLE* handles = nullptr;
  if (EFI_ERROR(
          firmware.boot->LocateHandleBuffer(ByProtocol, &kGopGuid, nullptr, &count, &handles)))
    return libk::nullopt;
  libk::Optional<Gop> found;
  for (UINTN i = 0; i < count && !found; ++i)
    if (!EFI_ERROR(firmware.boot->HandleProtocol(handles[i], &kGopGuid, &gop)))
      found = Gop{handles[i], static_cast<EFI_GRAPHICS_OUTPUT_PROTOCOL*>(gop)};
  firmware.boot->FreePool(handles);
  return found;
}

libk::Optional<libk::Resolution> native_resolution(EFI_HANDLE handle) {
  EFI_GUID* guids[] = {&kEdidActiveGuid, &kEdidDiscoveredGuid};
  for (EFI_GUID* guid : guids) {
    EFI_EDID_ACTIVE_PROTOCOL* edid = nullptr;  // both protocols share this layout
    if (EFI_ERROR(firmware.boot->HandleProtocol(handle, guid, reinterpret_cast<void**>(&edid))))
      continue;
    if (edid->Edid == nullptr) continue;
    if (auto r = libk::edid_preferred_resolution(libk::Bytes(edid->Edid, edid->SizeOfEdid)))
      return r;
  }
  return libk::nullopt;
}

usize list_modes(EFI_GRAPHICS_OUTPUT_PROTOCOL* gop, libk::VideoMode* modes) {
  usize count = 0;
  for (u32 n = 0; n < gop->Mode->MaxMode && count < kMaxModes; ++n) {
    UINTN size = 0;
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION* info = nullptr;
    if (EFI_ERROR(gop->QueryMode(gop, n, &size, &info))) continue;
    modes[count++] = {n, info->HorizontalResolution, info->VerticalResolution,
                      info->PixelFormat != PixelBltOnly && info->PixelFormat < PixelFormatMax};
    firmware.boot->FreePool(info);
  }
  return count;
}

boot::Framebuffer describe(EFI_GRAPHICS_OUTPUT_PROTOCOL* gop) {
  const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION* info = gop->Mode->Info;
  boot::Framebuffer fb{};
  fb.base = gop->Mode->FrameBufferBase;
  fb.size = gop->Mode->FrameBufferSize;
  fb.width = info->HorizontalResolution;
  fb.height = info->VerticalResolution;
  fb.bits_per_pixel = 32;
  fb.pitch = info->PixelsPerScanLine * 4;
  switch (info->PixelFormat) {
    case PixelRedGreenBlueReserved8BitPerColor:
      fb.format = boot::PixelFormat::Rgbx;
      fb.red_mask = 0xFF, fb.green_mask = 0xFF00, fb.blue_mask = 0xFF0000;
      fb.reserved_mask = 0xFF000000;
      break;
    case PixelBlueGreenRedReserved8BitPerColor:
      fb.format = boot::PixelFormat::Bgrx;
      fb.red_mask = 0xFF0000, fb.green_mask = 0xFF00, fb.blue_mask = 0xFF;
      fb.reserved_mask = 0xFF000000;
      break;
    case PixelBitMask:
      fb.format = boot::PixelFormat::Bitmask;
      fb.red_mask = info->PixelInformation.RedMask;
      fb.green_mask = info->PixelInformation.GreenMask;
      fb.blue_mask = info->PixelInformation.BlueMask;
      fb.reserved_mask = info->PixelInformation.ReservedMask;
      break;
    default: fb.format = boot::PixelFormat::None; break;
  }
  // Distrust sizes that cannot hold the visible area.
  if (fb.format != boot::PixelFormat::None && u64(fb.pitch) * fb.height > fb.size) {
    print("{}: framebuffer too small for {}x{} (pitch {}); no framebuffer\n", kName, fb.width,
          fb.height, fb.pitch);
    fb.format = boot::PixelFormat::None;
  }
  return fb;
}

libk::Optional<libk::Resolution> wanted(const Config& config) {
  if (config.mode == Config::Mode::Fixed) return config.resolution;
  return libk::nullopt;
}

}  // namespace

boot::Framebuffer setup_video(const Config& config) {
  auto gop = find_gop();
  if (!gop) {
    print("{}: no graphics output (GOP); booting with the serial console only\n", kName);
    return {};
  }
  EFI_GRAPHICS_OUTPUT_PROTOCOL* g = gop->protocol;
  UINTN size = 0;
  EFI_GRAPHICS_OUTPUT_MODE_INFORMATION* info = nullptr;
  if (g->Mode == nullptr || g->QueryMode(g, g->Mode->Mode, &size, &info) == EFI_NOT_STARTED)
    g->SetMode(g, 0);  // some firmware leaves GOP unstarted until a mode is set
  else if (info)
    firmware.boot->FreePool(info);
  static libk::VideoMode modes[kMaxModes];
  usize count = list_modes(g, modes);
  auto native =
      config.mode == Config::Mode::Native ? native_resolution(gop->handle) : libk::nullopt;
  auto choice = libk::choose_video_mode({modes, count}, g->Mode->Mode, wanted(config), native);
  if (!choice) {
    print("{}: no display mode with a linear framebuffer; serial console only\n", kName);
    return {};
  }
  if (config.mode == Config::Mode::Fixed && choice->reason != libk::ModeReason::Configured)
    print("{}: resolution {}x{} not offered; using {}\n", kName, config.resolution.width,
          config.resolution.height, libk::mode_reason_text(choice->reason));
  if (choice->number != g->Mode->Mode) {
    EFI_STATUS s = g->SetMode(g, choice->number);
    if (EFI_ERROR(s))
      print("{}: cannot set mode {} ({}); keeping the current one\n", kName, choice->number,
            Status{s});
  }
  boot::Framebuffer fb = describe(g);
  print("{}: display {}x{} ({})\n", kName, fb.width, fb.height,
        libk::mode_reason_text(choice->reason));
  return fb;
}

}  // namespace loader
