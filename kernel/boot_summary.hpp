#pragma once

namespace kernel {

// Logs what the loader handed over: memory, framebuffer, firmware tables, command line
// and loader timings. The "memory:" line is parsed by the boot tests.
void log_boot_summary();

}  // namespace kernel
