#!/usr/bin/env bash
# Runs a codec fuzz target with coverage instrumentation on the stable toolchain
# (the same flags cargo-fuzz passes), for SECONDS seconds.
#   scripts/fuzz.sh decode_pdu 60     (host/sms/fuzz)
#   scripts/fuzz.sh reassemble 60     (host/sms/fuzz)
#   scripts/fuzz.sh parse_stream 60   (host/at/fuzz)
# With cargo-fuzz installed, `cd host/sms/fuzz && cargo +nightly fuzz run decode_pdu` works too.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh decode_pdu|reassemble|parse_stream [SECONDS]}
case "$target" in
  decode_pdu|reassemble) crate=host/sms ;;
  parse_stream) crate=host/at ;;
  *) echo "unknown fuzz target: $target" >&2; exit 2 ;;
esac
seconds=${2:-60}
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
host=$(rustc -vV | sed -n "s/^host: //p")
# --target keeps the instrumentation out of build scripts.
cargo build --release --manifest-path "$crate/fuzz/Cargo.toml" --target-dir target/fuzz-cov \
  --target "$host" --bin "$target"
corpus=$crate/fuzz/corpus/$target
mkdir -p "$corpus"
exec target/fuzz-cov/"$host"/release/"$target" -max_total_time="$seconds" -max_len=400 "$corpus"
