#!/usr/bin/python3
"""Runs a libFuzzer harness briefly from a committed seed corpus, for `meson test`.

    run_fuzzer.py EXE CORPUS_DIR [libFuzzer args...]

The seeds are passed with -seed_inputs, never as a corpus directory, so libFuzzer keeps what
it discovers in memory and CORPUS_DIR is never written. The fuzzer runs in a fresh temporary
directory with -artifact_prefix pointing there; crash, leak and timeout inputs are kept (the
directory is not deleted) and printed when the run fails. Exit status: the fuzzer's.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MAX_DUMP_BYTES = 512


def usage(message):
    print(f"run_fuzzer.py: {message}", file=sys.stderr)
    print("usage: run_fuzzer.py EXE CORPUS_DIR [libFuzzer args...]", file=sys.stderr)
    sys.exit(2)


def seed_files(corpus_dir):
    if not os.path.isdir(corpus_dir):
        usage(f"{corpus_dir} is not a directory")
    seeds = []
    for name in sorted(os.listdir(corpus_dir)):
        path = os.path.abspath(os.path.join(corpus_dir, name))
        if os.path.isfile(path):
            if "," in path:
                usage(f"seed path contains a comma, which -seed_inputs cannot express: {path}")
            seeds.append(path)
    return seeds


def hex_dump(data):
    lines = []
    for offset in range(0, min(len(data), MAX_DUMP_BYTES), 16):
        chunk = data[offset:offset + 16]
        hex_part = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"  {offset:06x}  {hex_part:<47}  {text}")
    if len(data) > MAX_DUMP_BYTES:
        lines.append(f"  ... {len(data) - MAX_DUMP_BYTES} more bytes")
    return "\n".join(lines)


def report_artifacts(work_dir):
    artifacts = sorted(name for name in os.listdir(work_dir)
                       if os.path.isfile(os.path.join(work_dir, name)))
    for name in artifacts:
        path = os.path.join(work_dir, name)
        with open(path, "rb") as f:
            data = f.read()
        print(f"artifact {path} ({len(data)} bytes):")
        print(hex_dump(data))
    return artifacts


def final_stat(output, name):
    match = re.search(rf"stat::{name}:\s*(\d+)", output)
    return int(match.group(1)) if match else None


def main(argv):
    if len(argv) < 3:
        usage("need EXE and CORPUS_DIR")
    exe, corpus_dir, extra = os.path.abspath(argv[1]), argv[2], argv[3:]
    if not os.access(exe, os.X_OK):
        usage(f"{exe} is not an executable")
    seeds = seed_files(corpus_dir)

    work_dir = tempfile.mkdtemp(prefix="ember-fuzz-")
    command = [exe, f"-artifact_prefix={work_dir}/", "-print_final_stats=1"]
    if seeds:
        command.append("-seed_inputs=" + ",".join(seeds))
    command += extra
    print("running: " + " ".join(command), flush=True)

    started = time.monotonic()
    done = subprocess.run(command, cwd=work_dir, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")
    elapsed = time.monotonic() - started
    status = done.returncode if done.returncode >= 0 else 128 - done.returncode

    runs = final_stat(done.stdout, "number_of_executed_units")
    name = os.path.basename(exe)
    summary = (f"{name}: {runs if runs is not None else '?'} runs in {elapsed:.1f} s "
               f"from {len(seeds)} seeds in {corpus_dir}; exit status {status}")
    if status == 0:
        # Keep the log short on success: the tail has coverage and the final stats.
        print("\n".join(done.stdout.splitlines()[-12:]))
        print(summary)
        shutil.rmtree(work_dir, ignore_errors=True)
        return 0

    print(done.stdout, end="")
    artifacts = report_artifacts(work_dir)
    print(summary)
    if artifacts:
        print(f"reproduce with: {exe} {os.path.join(work_dir, artifacts[0])}")
    else:
        print(f"no artifacts were written (work directory {work_dir})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
