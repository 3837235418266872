#include <boot/kaslr.hpp>
#include <libk/assert.hpp>
#include <libk/utility.hpp>

namespace boot::kaslr {

namespace {

using layout::kKernelImage;

}  // namespace

// Place i puts the image at window.base + i * kAlign + (image_begin mod kAlign); it fits when
// i * kAlign + offset + span <= window.size.
u64 place_count(u64 image_begin, u64 span) {
  u64 offset = image_begin % kAlign;
  if (span > kKernelImage.size || offset > kKernelImage.size - span) return 0;
  return (kKernelImage.size - span - offset) / kAlign + 1;
}

u64 slide_for(u64 random, u64 image_begin, u64 span) {
  u64 places = place_count(image_begin, span);
  VERIFY(places > 0);
  u64 run_begin = kKernelImage.base + (random % places) * kAlign + image_begin % kAlign;
  return run_begin - image_begin;  // modulo 2^64: negative slides are fine
}

}  // namespace boot::kaslr
