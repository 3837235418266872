#pragma once

namespace kernel {

// Paints the framebuffer (if any) so a person can see the kernel is running: a dark
// background with Ember's colour bands. Replaced by the text console in a later stage.
void paint_splash();

}  // namespace kernel
