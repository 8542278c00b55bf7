#!/usr/bin/env bash
# `dwmtj help` and `--help` everywhere, generated from the one declaration of the commands
# (app/cli_spec*.cpp): every command answers --help with exit 0; docs/cli.md's reference is
# the generated Markdown; every `dwmtj CMD --option` written in README.md and docs/*.md is an
# option of that command; the man page and the bash completion are well formed.
source "$(dirname "$0")/common.sh"

"$B" --help > "$T/overview.txt"; rc=$?
check "dwmtj --help exits 0 and lists the commands" '[ $rc = 0 ] && grep -q "^  fit FILE" "$T/overview.txt" && grep -q "^  sweep run FILE --out DIR" "$T/overview.txt"'
# Every listed command (first words up to the synopsis) answers --help, exit 0, with its usage.
cmds=$(sed -n '/^commands:/,/^$/p' "$T/overview.txt" | grep -E '^  [a-z]' | sed -E 's/^  //; s/  .*//; s/ (FILE|DIR|RUN|--|\[).*//')
n=0; bad=""
while read -r c; do
  [ -n "$c" ] || continue
  n=$((n + 1))
  # shellcheck disable=SC2086
  out=$("$B" $c --help 2>&1); r=$?
  [ $r = 0 ] && grep -q "^usage: dwmtj $c" <<<"$out" || bad="$bad [$c: exit $r]"
done <<<"$cmds"
echo "commands listed: $n"
check "every listed command (at least 17) answers --help with exit 0 and its usage" '[ $n -ge 17 ] && [ -z "$bad" ] || { echo "$bad"; false; }'
check "dwmtj help CMD is dwmtj CMD --help" '[ "$("$B" help sweep run)" = "$("$B" sweep run --help)" ]'
check "--help after other options still prints help" '"$B" train --hidden 64 --help | grep -q "^  --hidden N"'
check "--version anywhere" '"$B" fit --version | grep -qE "^dwmtj [0-9]+\.[0-9]+\.[0-9]+"'
"$B" fit --no-such-option x.csv 2> "$T/err.txt"; rc=$?
check "an unknown option is a usage error (2) that points to the command's help" '[ $rc = 2 ] && grep -q "unknown option --no-such-option" "$T/err.txt" && grep -q "dwmtj fit --help" "$T/err.txt"'
"$B" sweep 2> "$T/err.txt"; rc=$?
check "sweep without a subcommand lists them (exit 2)" '[ $rc = 2 ] && grep -q "sweep from-presets" "$T/err.txt"'

# docs/cli.md's reference is the generated text, verbatim, between its markers.
"$B" help --markdown > "$T/reference.md"
sed -n '/<!-- generated: dwmtj help --markdown -->/,/<!-- end of generated reference -->/p' "$SRC/docs/cli.md" | sed '1d;$d' > "$T/in-docs.md"
check "docs/cli.md holds the generated reference (dwmtj help --markdown)" 'diff -u "$T/in-docs.md" "$T/reference.md"'

# Every `dwmtj CMD ... --opt` in README.md and docs/*.md names an option of CMD.
python3 - "$T/reference.md" "$SRC" > "$T/options.txt" <<'PY'
import re, sys, glob, os
ref, src = sys.argv[1], sys.argv[2]
opts, cur = {}, None
for line in open(ref):
    m = re.match(r"### `dwmtj ([a-z-]+(?: [a-z-]+)?)", line)
    if m:
        cur = m.group(1).split(" ")
        name = " ".join(w for w in cur if not w.isupper())
        cur = name
        opts[cur] = {"help", "version"}
        continue
    m = re.match(r"\| `--([a-z0-9-]+)", line)
    if m and cur:
        opts[cur].add(m.group(1))
# the names as written on a command line: "sweep run" and "fit"
names = sorted(opts, key=len, reverse=True)
bad, seen = [], 0
for path in [os.path.join(src, "README.md")] + glob.glob(os.path.join(src, "docs", "*.md")):
    text = open(path).read().replace("\\\n", " ")
    for n, line in enumerate(text.split("\n"), 1):
        for m in re.finditer(r"\bdwmtj ([a-z][a-z-]*(?: [a-z][a-z-]*)?)([^`|;&\n]*)", line):
            words = m.group(1)
            cmd = next((c for c in names if words == c or words.startswith(c + " ") or words == c), None)
            if cmd is None:
                continue
            seen += 1
            for o in re.findall(r"(?<![\w-])--([a-z0-9][a-z0-9-]*)", m.group(2)):
                if o not in opts[cmd]:
                    bad.append(f"{os.path.relpath(path, src)}:{n}: dwmtj {cmd} --{o}")
print(f"checked {seen} command lines")
for b in bad:
    print("UNKNOWN", b)
PY
cat "$T/options.txt"
check "README and docs name only options the commands have" '! grep -q UNKNOWN "$T/options.txt" && grep -qE "checked [0-9]{2,} command lines" "$T/options.txt"'

# The man page: a title, every listed command, no unescaped option dashes; man renders it.
"$B" help --man > "$T/dwmtj.1"
check "the man page has its title and a section per command" 'grep -q "^\.TH DWMTJ 1" "$T/dwmtj.1" && [ "$(grep -c "^\.SS" "$T/dwmtj.1")" -ge 17 ]'
if command -v groff >/dev/null; then
  check "groff renders the man page without warnings" 'groff -man -Tutf8 -ww "$T/dwmtj.1" > "$T/man.txt" 2> "$T/groff.err" && [ ! -s "$T/groff.err" ] && grep -q "submit nothing" "$T/man.txt"'
fi

# The bash completion: commands, sweep subcommands, a command's options.
"$B" help --bash-completion > "$T/completion.bash"
complete_words() { bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dwmtj; echo "${COMPREPLY[*]}"' _ "$T/completion.bash" "$@"; }
check "completion: commands" '[ "$(complete_words dwmtj tr)" = "train" ]'
check "completion: sweep subcommands" '[ "$(complete_words dwmtj sweep fr)" = "from-presets" ]'
check "completion: the options of a command" '[ "$(complete_words dwmtj train --hid)" = "--hidden" ]'
check "completion: the options of a sweep subcommand" 'complete_words dwmtj sweep submit --col | grep -q -- "--collect-cpus"'
exit $fail
