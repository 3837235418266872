// Kernel address-space layout randomisation: where in the kernel image window
// (boot/address_space.hpp) the loader puts a kernel image, given a random number. Pure
// arithmetic, host-tested; the loader supplies the randomness (loader/entropy.cpp).
#pragma once

#include <boot/address_space.hpp>
#include <libk/types.hpp>

namespace boot::kaslr {

// Places are 2 MiB apart, so every alignment the image asks for up to a large page holds
// (the slide is a multiple of 2 MiB).
inline constexpr u64 kAlign = 2 * libk::MiB;

// How many places the window has for an image linked at [image_begin, image_begin + span):
// the image keeps its offset within 2 MiB and must fit wholly inside the window. 0 if it
// cannot fit at all.
u64 place_count(u64 image_begin, u64 span);

// The slide (run address - link address) of place `random % place_count`. The image must fit
// (place_count > 0). Every place is equally likely up to a bias of place_count / 2^64.
u64 slide_for(u64 random, u64 image_begin, u64 span);

}  // namespace boot::kaslr
