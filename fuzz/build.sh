#!/bin/sh
# Builds the libFuzzer targets with AddressSanitizer: fuzz/.build/template-fuzzer (the template language) and
# fuzz/.build/config-fuzzer (a whole config file), each from the Rules and JSON sources.
# Usage: fuzz/build.sh [template|config]   (default: both); see docs/fuzzing.md for running them.
set -eu
cd "$(dirname "$0")/.."
out=fuzz/.build
targets=${1:-"template config"}
mkdir -p "$out/corpus/template" "$out/corpus/config"
flags="-sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -Onone"
# JSON first, as its own module: Rules imports it.
swiftc $flags -module-name JSON -emit-module -emit-module-path "$out/JSON.swiftmodule" \
    -emit-library -static -o "$out/libJSON.a" Sources/JSON/*.swift
# Rules and the entry point as one module, so that the entry can reach the loader's internals; libyaml through
# the CYAML module map.
for target in $targets; do
    case $target in
    template) entry=fuzz/TemplateFuzzer.swift ;;
    config) entry=fuzz/ConfigFuzzer.swift ;;
    *) echo "unknown target '$target' (template, config)" >&2; exit 2 ;;
    esac
    swiftc $flags -module-name RulesFuzz -I "$out" -I Sources/CYAML \
        -o "$out/$target-fuzzer" -L "$out" -lJSON \
        $(find Sources/Rules -name '*.swift') "$entry" -lyaml
    echo "built $out/$target-fuzzer"
done
