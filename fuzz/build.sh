#!/bin/sh
# Builds fuzz/.build/template-fuzzer: the Rules and JSON sources with libFuzzer and AddressSanitizer.
# Usage: fuzz/build.sh && fuzz/.build/template-fuzzer -dict=fuzz/template.dict fuzz/.build/corpus fuzz/corpus/template
set -eu
cd "$(dirname "$0")/.."
out=fuzz/.build
mkdir -p "$out/corpus"
flags="-sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -Onone"
# JSON first, as its own module: Rules imports it.
swiftc $flags -module-name JSON -emit-module -emit-module-path "$out/JSON.swiftmodule" \
    -emit-library -static -o "$out/libJSON.a" Sources/JSON/*.swift
# Rules and the entry point as one module; libyaml through the CYAML module map.
swiftc $flags -module-name RulesFuzz -I "$out" -I Sources/CYAML \
    -o "$out/template-fuzzer" -L "$out" -lJSON \
    $(find Sources/Rules -name '*.swift') fuzz/TemplateFuzzer.swift -lyaml
echo "built $out/template-fuzzer"
