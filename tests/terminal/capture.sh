#!/bin/bash
# Captures the differential test's corpus (tests/terminal/corpus/*.bin): what real programs
# write to an 80x24 xterm-256color terminal, recorded by script(1) from util-linux. Run it
# from the repository root after a deliberate change of what to capture; the captures are
# committed, so the test does not depend on the programs or on this machine.
#
#   tests/terminal/capture.sh [OUTDIR]
set -euo pipefail
out=${1:-tests/terminal/corpus}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8

# capture NAME "KEYS" COMMAND: runs COMMAND on a pseudo-terminal of 80x24, types KEYS (a
# printf format; each \\p pauses 0.3 s), and keeps what it wrote, without script's
# "Script started/done" lines.
capture() {
  local name=$1 keys=$2 command=$3
  {
    sleep 0.5
    IFS=$'\x01' read -ra parts <<<"${keys//\\p/$'\x01'}"
    for part in "${parts[@]}"; do
      # shellcheck disable=SC2059
      printf "$part"
      sleep 0.3
    done
    sleep 0.5
  } | script -q -e -O "$work/$name.log" -c "stty cols 80 rows 24; $command" >/dev/null || true
  /usr/bin/python3 - "$work/$name.log" "$out/$name.bin" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
data = data.split(b"\n", 1)[1]                      # "Script started on ..."
end = data.rfind(b"\nScript done")
if end >= 0:
    data = data[:end + 1]
open(sys.argv[2], "wb").write(data)
PY
  echo "$name: $(stat -c %s "$out/$name.bin") bytes"
}

printf 'first line\nsecond line\n\tindented\n日本語 text\n' >"$work/notes.txt"
seq 1 200 | sed 's/^/line /' >"$work/long.txt"

capture ls-color '' "ls --color=always -la /etc /usr/share/consolefonts | head -70"
capture git-log '' "git -C '$PWD' log --graph --decorate --color=always --oneline -40 | cat"
capture bash-prompt 'echo one\r\pls /nonexistent\r\pecho abc\x7f\x7fxyz\r\p\x1b[A\x1b[D\x1b[D!\r\pexit\r' \
  "env -i TERM=\$TERM HOME=$work PS1='\\[\\e[1;32m\\]user@ember\\[\\e[0m\\]:\\[\\e[1;34m\\]~/src\\[\\e[0m\\]\\$ ' bash --norc -i"
capture vim-edit 'ihello \x1b:set nu\rGo日本語 wide\x1b:%%s/line/LINE/\r\x06\x02:q!\r' \
  "vim -u NONE -N -i NONE '$work/notes.txt'"
capture vim-scroll 'j\x04\x04\x15\x05\x05\x19/line 150\rdd:q!\r' \
  "vim -u NONE -N -i NONE -c 'set nu' '$work/long.txt'"
capture less-scroll ' \p \pb\pG\pg/line 99\r\pq' "less -R '$work/long.txt'"
capture tmux-split '\x02"\pecho in the lower pane\r\p\x02%%\pls /\r\pexit\r\pexit\r\pexit\r' \
  "tmux -f /dev/null -L ember-capture new-session"
capture top-once '' "top -b -n 1 -w 80 | head -30"
capture tput-box '' "tput smacs; printf 'lqqqqqqqqwqqqqqqqqk\nx        x        x\nmqqqqqqqqvqqqqqqqqj\n'; tput rmacs; tput setaf 1; tput bold; echo red bold; tput sgr0"
# What apt's progress bar (Dpkg::Progress-Fancy) writes: a scroll region that keeps the
# last line for the bar, DECSC/DECRC around each update. Replayed by printf, with apt's
# own sequences, since running apt needs root and a package to install.
capture apt-progress '' "printf '\\n\\0337\\033[0;23r\\0338\\033[1A'; for i in \$(seq 1 30); do printf 'Unpacking package-%s (1.%s) ...\\n' \$i \$i; p=\$((i * 100 / 30)); bar=\$(printf '%*s' \$((p * 60 / 100)) '' | tr ' ' '#'); printf '\\0337\\033[24;0f\\033[42m\\033[30mProgress: [%3s%%]\\033[49m\\033[39m [%-60s] \\0338' \$p \"\$bar\"; done; printf '\\0337\\033[0;24r\\0338\\033[1A\\033[J'"
