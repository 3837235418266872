# /etc/demo.sh: a script for `sh /etc/demo.sh` (docs/shell.md): lists, $?, quoting and a
# command continued on the next line.
echo 'script: start'
false || echo "script: false gave $?"
true && echo script: \
  continued
echo 'script: end'
