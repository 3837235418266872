#!/usr/bin/python3
"""The docs' pictures say what the code does (docs/images/*.dot).

  check_picture_facts.py ROOT

A picture is drawn by hand in Graphviz's language; the facts it shows are read back here and
compared with the code they come from, so that a change to the code that the picture does
not follow fails:

  interrupt-stack.dot  its rows, top to bottom, are hal::TrapFrame's fields from last to first
                       (hal/include/hal/trap_frame.hpp), each at offset 8 x its index
  context-switch.dot   the switching thread's rows are the return address and then what
                       hal_context_switch pushes, in order (hal/x86/context_switch.S); the new
                       thread's rows are hal::context::prepare's slots from the top
                       (hal/x86/context.cpp)
  address-space.dot    each region's address is boot::layout's (libk/include/boot/
                       address_space.hpp); the walk's indices are those of its example address
  run-queue.dot        every "priority P, slice S ms" has S = (P + 1) x the slice quantum
                       (libk/include/sched/entity.hpp)
  fork-cow.dot         each PT row's index is its address's bits 20..12; each frame's
                       "references N" is the number of PT entries pointing at it; copy_below
                       (kernel/proc/address_space.cpp) clears the write bit and shares the frame
  cow-fault.dot        the error codes are the fault bits' (kernel/proc/memory_areas.cpp; U/S
                       is bit 2, Intel SDM Vol. 3A §4.7); "references N -> Copy/Reuse" is
                       decide_fault's choice (libk/include/libk/page_fault_policy.hpp); the
                       numbered steps are copy_page's calls in their order
"""

import os
import re
import sys


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()


def node_label(dot, node):
    m = re.search(r"\b%s \[label=<(.*?)>\];" % re.escape(node), dot, re.S)
    if not m:
        raise ValueError("no node %s with an HTML label" % node)
    return m.group(1)


def ports(label):
    return re.findall(r'port="(\w+)"', label)


def rows(label):
    return re.findall(r"<tr>(.*?)</tr>", label, re.S)


def trap_frame_fields(header):
    body = re.search(r"struct TrapFrame \{(.*?)\};", header, re.S).group(1)
    fields = []
    for decl in re.findall(r"u64 ([^;]+);", body):
        fields += [f.strip() for f in decl.split(",")]
    return fields


def check_interrupt_stack(root):
    fields = trap_frame_fields(read(root, "hal/include/hal/trap_frame.hpp"))
    label = node_label(read(root, "docs/images/interrupt-stack.dot"), "stack")
    problems = []
    shown = ports(label)
    if shown != list(reversed(fields)):
        problems.append("interrupt-stack.dot shows %s from the top; hal::TrapFrame is %s from "
                        "the bottom" % (shown, fields))
    for row in rows(label):
        m = re.search(r'<td align="right">(\d+)</td><td port="(\w+)"', row)
        if m and m.group(2) in fields and int(m.group(1)) != 8 * fields.index(m.group(2)):
            problems.append("interrupt-stack.dot: %s at offset %s, but TrapFrame has it at %d"
                            % (m.group(2), m.group(1), 8 * fields.index(m.group(2))))
    return problems, len(fields)


def check_context_switch(root):
    source = read(root, "hal/x86/context_switch.S")
    switch = re.search(r"^hal_context_switch:(.*?)^\s*movq %rsp", source, re.S | re.M).group(1)
    pushes = re.findall(r"pushq %(\w+)", switch)
    slots = re.search(r"enum Slot : usize \{([^}]*)\}", read(root, "hal/x86/context.cpp")).group(1)
    slot_names = [s.strip()[1:].lower() for s in slots.split(",")]  # kR15 -> r15
    dot = read(root, "docs/images/context-switch.dot")
    problems = []
    old = ports(node_label(dot, "old"))
    if old != ["return"] + pushes:
        problems.append("context-switch.dot: the switching thread shows %s from the top; "
                        "hal_context_switch pushes %s below the return address" % (old, pushes))
    new = [p[len("slot_"):] for p in ports(node_label(dot, "new"))]
    if new != list(reversed(slot_names)):
        problems.append("context-switch.dot: the new thread shows %s from the top; prepare's "
                        "slots are %s from the bottom" % (new, slot_names))
    return problems, len(old) + len(new)


def layout_constants(header):
    """name -> base of every boot::layout Region, and kBootStackTop/kBootStackSize."""
    values = {}
    for name, base in re.findall(r"Region (k\w+)\{\"[^\"]*\",\s*(0x[0-9a-f']+|\d+)", header):
        values[name] = int(base.replace("'", ""), 0)
    top = re.search(r"kBootStackTop = (0x[0-9a-f']+)ull", header).group(1)
    values["kBootStackTop"] = int(top.replace("'", ""), 16)
    size = re.search(r"kBootStackSize = (\d+) \* libk::KiB", header).group(1)
    values["kBootStackSize"] = int(size) * 1024
    return values


def check_address_space(root):
    c = layout_constants(read(root, "libk/include/boot/address_space.hpp"))
    want = {
        "region_kernel_image": c["kKernelImage"],
        "region_boot_stack": c["kBootStackTop"] - c["kBootStackSize"],  # the stack, not its guard
        "region_mmio_area": c["kMmioArea"],
        "region_stack_area": c["kStackArea"],
        "region_heap_area": c["kHeapArea"],
        "region_direct_map": c["kDirectMap"],
        "region_user_space": c["kUserSpace"],
    }
    dot = read(root, "docs/images/address-space.dot")
    problems, checked = [], 0
    for port, value in want.items():
        m = re.search(r'port="%s"[^>]*>(0x[0-9a-f]+)' % port, dot)
        if not m:
            problems.append("address-space.dot has no region %s" % port)
        elif int(m.group(1), 16) != value:
            problems.append("address-space.dot: %s at %s; address_space.hpp says %#x"
                            % (port, m.group(1), value))
        checked += 1
    example = int(re.search(r"the walk for</b> <font[^>]*>(0x[0-9a-f]+)<", dot).group(1), 16)
    for port, shift in (("walk_pml4", 39), ("walk_pdpt", 30), ("walk_pd", 21), ("walk_pt", 12)):
        shown = int(re.search(r'port="%s"[^>]*>(\d+)<' % port, dot).group(1))
        if shown != (example >> shift) & 511:
            problems.append("address-space.dot: %s of %#x is %d, not %d"
                            % (port, example, (example >> shift) & 511, shown))
        checked += 1
    edges = [int(x) for x in re.findall(r'\[label=" \[(\d+)\]"\]', dot)]
    expected = [(example >> s) & 511 for s in (39, 30, 21, 12)]
    if edges != expected:
        problems.append("address-space.dot: the walk's edges say %s, the address %s"
                        % (edges, expected))
    return problems, checked


def check_run_queue(root):
    entity = read(root, "libk/include/sched/entity.hpp")
    quantum_ns = int(re.search(r"kSliceQuantumNs = ([\d']+);", entity).group(1).replace("'", ""))
    dot = read(root, "docs/images/run-queue.dot")
    problems, checked = [], 0
    for priority, slice_ms in re.findall(r"priority (\d+), slice ([\d.]+) ms", dot):
        want = (int(priority) + 1) * quantum_ns / 1e6
        if abs(float(slice_ms) - want) > 1e-9:
            problems.append("run-queue.dot: priority %s with a slice of %s ms; the default is %g ms"
                            % (priority, slice_ms, want))
        checked += 1
    if checked == 0:
        problems.append("run-queue.dot names no thread's priority and slice")
    return problems, checked


def function_body(source, signature):
    start = source.index(signature)
    return source[start:source.index("\n}\n", start)]


def check_fork_cow(root):
    dot = read(root, "docs/images/fork-cow.dot")
    problems, checked = [], 0
    for index, address in re.findall(r'<td port="idx_\w+">(\d+)</td><td>(0x[0-9a-f]+)</td>', dot):
        if (int(address, 16) >> 12) & 511 != int(index):
            problems.append("fork-cow.dot: %s is PT index %d, not %s"
                            % (address, (int(address, 16) >> 12) & 511, index))
        checked += 1
    for node, count in re.findall(r'(\w+) \[label="frame \w+\\nreferences (\d+)"', dot):
        pointing = len(re.findall(r"_pt:\w+ -> %s;" % node, dot))
        if pointing != int(count):
            problems.append("fork-cow.dot: %s says references %s; %d entries point at it"
                            % (node, count, pointing))
        checked += 1
    body = function_body(read(root, "kernel/proc/address_space.cpp"), "bool copy_below(")
    for needle in ("~hal::paging::kWritable", "pmm::share("):
        if needle not in body:
            problems.append("fork-cow.dot: copy_below no longer has %s" % needle)
        checked += 1
    return problems, checked


def check_cow_fault(root):
    dot = read(root, "docs/images/cow-fault.dot")
    problems, checked = [], 0
    bits = dict(re.findall(r"constexpr u64 kFault(\w+) = 1u << (\d+);",
                           read(root, "kernel/proc/memory_areas.cpp")))
    user_bit = 2  # U/S: the access came from ring 3 (Intel SDM Vol. 3A §4.7)
    write_from_user = (1 << int(bits["Present"])) | (1 << int(bits["Write"])) | (1 << user_bit)
    for code in re.findall(r"error code (0x[0-9a-f]+)", dot):
        if int(code, 16) != write_from_user:
            problems.append("cow-fault.dot: error code %s; a user write to a present page is %#x"
                            % (code, write_from_user))
        checked += 1
    policy = read(root, "libk/include/libk/page_fault_policy.hpp")
    threshold = int(re.search(
        r"s\.references > (\d+) \? FaultAction::Copy : FaultAction::Reuse", policy).group(1))
    for count, action in re.findall(r"references (\d+) → (Copy|Reuse)", dot):
        want = "Copy" if int(count) > threshold else "Reuse"
        if action != want:
            problems.append("cow-fault.dot: references %s -> %s; decide_fault says %s"
                            % (count, action, want))
        checked += 1
    body = function_body(read(root, "kernel/proc/address_space.cpp"),
                         "bool AddressSpace::copy_page(")
    calls = {"allocate": "pmm::allocate", "copy": "__builtin_memcpy",
             "store": "__atomic_store_n", "shootdown": "tlb::shootdown", "release": "pmm::release"}
    steps = {name: int(n) for name, n in re.findall(r'port="step_(\w+)">(\d+)<', dot)}
    if sorted(steps) != sorted(calls):
        problems.append("cow-fault.dot: steps %s, expected %s" % (sorted(steps), sorted(calls)))
    else:
        by_picture = sorted(steps, key=steps.get)
        by_code = sorted(calls, key=lambda name: body.find(calls[name]))
        if any(body.find(calls[name]) < 0 for name in calls) or by_picture != by_code:
            problems.append("cow-fault.dot: steps in the order %s; copy_page does %s"
                            % (by_picture, by_code))
    checked += 1
    return problems, checked


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    problems, facts = [], 0
    checks = (check_interrupt_stack, check_context_switch, check_address_space, check_run_queue,
              check_fork_cow, check_cow_fault)
    for check in checks:
        found, count = check(root)
        problems += found
        facts += count
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("ok: %d facts in %d pictures agree with the code" % (facts, len(checks)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
