"""QEMU cases for the framebuffer console (docs/console.md#tests).

boot-screen: boots at 1024x768 and, once the shell shows its first prompt, takes a QMP
screendump and checks it twice:
  1. Transcript: the screen equals ember-term's rendering (same libk code, same font) of
     what the kernel wrote on serial: every pixel, whatever the log says.
  2. Golden: the rows with stable content equal the committed golden image
     tests/qemu/golden/boot-screen-1024x768.png. Rows are matched by their text (listed
     in the .txt beside the image), so lines added to the boot log by later work do not
     break it; the timestamp column and the lines that vary between builds or runs
     (VARIABLE below) are masked. `boot_tests.py --update-golden screen` rewrites both.
boot-screen-large: at 1920x1080 the 16x32 font is chosen; check 1 only.
boot-panic-screen: `test=harness.panic` without isa-debug-exit, so the kernel stays halted
after the panic: the screen must equal the rendering of its log (test-harness lines are
serial-only) and show the banner's red bar across the whole width.
"""

import os
import re
import subprocess

import harness
import screen
from harness import Failure

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_DIR = os.path.join(HERE, "golden")
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d{6}\] ")
TIMESTAMP_CELLS = len("[    0.000000] ")
# Log lines whose content changes with the kernel binary, the firmware's allocations, clock
# measurements or the kernel's random base.
VARIABLE = [re.compile(p) for p in (r"^memory:", r"^kernel:", r"^loader:", r"^symbols:",
                                     # KASLR: a new base on every boot
                                     r"^kaslr:",
                                     # the number of page-table leaves follows the kernel's size
                                     r"^vm: page-table audit:",
                                     r"^pmm: reclaimed .* kept the kernel file",
                                     # the loader's allocations grow with the kernel file
                                     r"^pmm: \S+ \S+ free of \S+ \S+ usable",
                                     # ... and where the frame metadata lands
                                     r"^pmm: \d+ section\(s\), .* of frame metadata at ",
                                     r"^time: (TSC|local APIC timer) ",
                                     # boot time, measured
                                     r"^shell: ready \d+ ms after kernel entry")]
DONE = "ember> "  # the shell's first prompt: nothing more is written until someone types
DEBUG_TAG = b"\x1b[90mdebug:\x1b[0m"


def cell_size(width):
    return (16, 32) if width >= 1600 else (8, 16)  # libk::default_console_font


def transcript(raw_serial):
    """The bytes the kernel wrote to the screen: its serial output from the first log line
    on, without debug records (the screen shows Info and above) and test-harness lines
    (serial only)."""
    banner = re.search(rb"Ember(\x1b\[0m)? \S+ \(\S+\) starting", raw_serial)
    if not banner:
        raise Failure("no kernel banner on serial")
    start = raw_serial.rfind(b"\n", 0, banner.start()) + 1
    lines = raw_serial[start:].splitlines(keepends=True)
    return b"".join(line for line in lines
                    if DEBUG_TAG not in line and not line.startswith(b"KTEST "))


def run_term(ctx, data, width, height, *args):
    path = os.path.join(ctx.work, "transcript.bin")
    with open(path, "wb") as f:
        f.write(data)
    cmd = [ctx.term, "--size", "%dx%d" % (width, height)] + list(args) + [path]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise Failure("ember-term failed: " + result.stderr.decode(errors="replace"))
    return result.stdout.decode("utf-8", errors="replace")


def wait_screen_shows_serial(ctx, qmp, read_serial, width, height, name, view_back=0):
    """Waits until a screendump equals ember-term's rendering of what the kernel wrote on
    serial (the same libk terminal and font): every pixel; with `view_back`, the view that
    many lines back into the scrollback. The screen is drawn just after serial, so a first
    screendump may be a moment behind. Returns {transcript, shot, expected}; after 10 s,
    keeps both images (save_artifacts) and fails."""
    term_args = ["--view-back", str(view_back)] if view_back else []
    dump = os.path.join(ctx.work, "screen.ppm")
    expected_path = os.path.join(ctx.work, "expected.ppm")
    last = {}

    def screen_matches():
        # Serial first, then the screen: once they agree, the screendump shows everything
        # the transcript holds.
        last["transcript"] = transcript(read_serial(raw=True))
        run_term(ctx, last["transcript"], width, height, "--ppm", expected_path, *term_args)
        last["expected"] = screen.read_ppm(expected_path)
        qmp.execute("screendump", filename=dump)
        last["shot"] = screen.read_ppm(dump)
        last["problem"] = screen.differences(last["shot"], last["expected"])
        return last["problem"] is None

    try:
        harness.poll_until(screen_matches, 10, "the screen to show the serial log", interval=0.2)
    except Failure as e:
        save_artifacts(name, {"screen": last["shot"], "expected": last["expected"]})
        raise Failure("%s; it differs from ember-term's rendering: %s" % (e, last["problem"]))
    print("ok: the screen equals the rendering of the kernel's log"
          + (" %d lines back" % view_back if view_back else ""))
    return last


def capture(ctx, name, width, height, cmdline="", done=DONE, **machine):
    """Boots, waits for `done` on serial and then for the screen to show the serial log
    (wait_screen_shows_serial); returns {transcript, shot, expected}."""
    image = harness.make_image(ctx.work, ctx.loader, ctx.kernel, cmdline=cmdline,
                               resolution="%dx%d" % (width, height))
    out = {}

    def interact(qmp, read_serial):
        harness.poll_until(lambda: done in read_serial(), 120, "%r on serial" % done, 0.1)
        out.update(wait_screen_shows_serial(ctx, qmp, read_serial, width, height, name))

    result = harness.boot(image, interact=interact, stop_on=re.escape(done), timeout=150,
                          **machine)
    if "shot" not in out:
        print(result.serial)
        raise Failure("the boot ended before a screenshot was taken")
    return out


def save_artifacts(name, images):
    """Keeps the images of a failed comparison in the current directory (meson test runs
    in the build directory) and says where."""
    for label, img in images.items():
        path = os.path.abspath("%s-%s.png" % (name, label))
        screen.write_png(path, img)
        print("saved %s" % path)


def stable_rows(rows):
    """(row index, text without timestamp, has timestamp) for rows worth comparing: not
    blank, not a VARIABLE line, not the wrapped continuation of one. Rows above the first
    stamped one continue a line whose head scrolled off the top: which line that was (and so
    whether it is VARIABLE) cannot be told, so they are not compared either, unless the
    screen starts with the kernel's banner."""
    variable = bool(rows) and not TIMESTAMP.match(rows[0]) and "starting" not in rows[0]
    for y, text in enumerate(rows):
        stamped = bool(TIMESTAMP.match(text))
        bare = TIMESTAMP.sub("", text)
        if stamped or not variable:
            variable = any(p.search(bare) for p in VARIABLE)
        if bare.strip() and not variable:
            yield y, bare, stamped


def golden_paths(width, height):
    base = os.path.join(GOLDEN_DIR, "boot-screen-%dx%d" % (width, height))
    return base + ".png", base + ".txt"


def update_golden(ctx, out, rows, width, height):
    cw, ch = cell_size(width)
    keep = {y: stamped for y, _, stamped in stable_rows(rows)}
    rgb = bytearray(out["shot"].rgb)
    for y in range(height):  # black out what is not compared, so the image shows it
        row = y // ch
        first = (TIMESTAMP_CELLS * cw if keep[row] else 0) if row in keep else width
        rgb[(y * width) * 3:(y * width + first) * 3] = bytes(first * 3)
    png, txt = golden_paths(width, height)
    os.makedirs(GOLDEN_DIR, exist_ok=True)
    screen.write_png(png, screen.Image(width, height, rgb))
    with open(txt, "w", encoding="utf-8") as f:
        f.write("".join(row + "\n" for row in rows))
    print("wrote %s and %s" % (png, txt))


def check_golden(ctx, out, rows, width, height):
    png, txt = golden_paths(width, height)
    golden = screen.read_png(png)
    with open(txt, encoding="utf-8") as f:
        golden_rows = f.read().splitlines()
    cw, ch = cell_size(width)
    screen_rows = {}
    for y, bare, _ in stable_rows(rows):
        screen_rows.setdefault(bare, []).append(y)
    compared = 0
    for gy, bare, stamped in stable_rows(golden_rows):
        if not screen_rows.get(bare):
            raise Failure("golden row %d %r is not on the screen (regenerate with "
                          "--update-golden if the boot log changed on purpose)" % (gy, bare))
        sy = screen_rows[bare].pop(0)
        x0 = TIMESTAMP_CELLS * cw if stamped else 0
        for dy in range(ch):
            a = out["shot"].row_bytes(sy * ch + dy, x0)
            b = golden.row_bytes(gy * ch + dy, x0)
            if a != b:
                first = next(i for i in range(len(a)) if a[i] != b[i]) // 3
                save_artifacts("boot-screen", {"screen": out["shot"], "golden": golden})
                raise Failure("screen row %d (golden row %d, %r) differs from the golden "
                              "image: first at pixel (%d,%d), cell column %d"
                              % (sy, gy, bare, x0 + first, sy * ch + dy, (x0 + first) // cw))
        compared += 1
    if compared < 5:
        raise Failure("only %d golden rows to compare: golden file damaged?" % compared)
    print("PASS: %d stable rows equal the golden image" % compared)


def case_boot_screen(ctx):
    width, height = 1024, 768
    out = capture(ctx, "boot-screen", width, height)
    rows = run_term(ctx, out["transcript"], width, height, "--text").splitlines()
    print("screen text:\n  " + "\n  ".join(r for r in rows if r))
    if ctx.update_golden:
        update_golden(ctx, out, rows, width, height)
    check_golden(ctx, out, rows, width, height)


def case_boot_screen_large(ctx):
    out = capture(ctx, "boot-screen-large", 1920, 1080)
    if b"font terminus32 (16x32)" not in out["transcript"]:
        raise Failure("at 1920x1080 the console did not pick the 16x32 font")


def case_panic_screen(ctx):
    width, height = 800, 600
    out = capture(ctx, "panic-screen", width, height, cmdline="test=harness.panic",
                  done="KTEST SUMMARY", debug_exit=False)
    rows = run_term(ctx, out["transcript"], width, height, "--text").splitlines()
    title = next((y for y, r in enumerate(rows) if "*** KERNEL PANIC ***" in r), None)
    if title is None or "deliberate panic from harness.panic" not in rows[title + 1]:
        raise Failure("no panic banner with the message on screen:\n" + "\n".join(rows))
    _, ch = cell_size(width)
    red = (0xE0, 0x55, 0x61)  # kEmberTheme.ansi[1], the banner's background
    for x in (0, width // 2, width - 1):
        if out["shot"].pixel(x, title * ch + ch // 2) != red:
            raise Failure("the banner is not red at x=%d of screen row %d" % (x, title))
    print("PASS: the panic banner is on screen, red across the whole width")


CASES = {  # meson registers them as boot-screen, boot-screen-large, boot-panic-screen
    "screen": case_boot_screen,
    "screen-large": case_boot_screen_large,
    "panic-screen": case_panic_screen,
}
